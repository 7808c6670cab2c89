"""PATCH /admin/users/{id}: an admin changes role and activation, never their own away."""

import httpx
import pytest
from dirty_equals import IsStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.users.models import User
from tests.fixtures.auth import Principal
from tests.support.data import CreateUser
from tests.support.host import bearer_headers
from tests.support.payloads import NON_OBJECT_BODIES, NOT_AN_OBJECT
from tests.support.payloads.users import user_public
from tests.support.tokens import jti_of, log_in, revoked_by_jti

OWN_ACCOUNT = {"detail": "Admins cannot demote or deactivate themselves"}


@pytest.fixture
async def admin(create_user: CreateUser) -> User:
    return await create_user(admin=True)


@pytest.fixture
def as_admin(client: httpx.AsyncClient, admin: User, settings: Settings) -> httpx.AsyncClient:
    client.headers.update(bearer_headers(settings, admin))
    return client


async def stored(session: AsyncSession, user: User) -> tuple[str, bool]:
    row = await session.execute(select(User.role, User.is_active).where(User.id == user.id))
    role, is_active = row.one()
    return role, is_active


class TestAdminUpdateUser:
    @pytest.mark.parametrize(
        ("start", "body", "after"),
        [
            pytest.param({}, {"role": "admin"}, ("admin", True), id="promote"),
            pytest.param({"admin": True}, {"role": "customer"}, ("customer", True), id="demote"),
            pytest.param(
                {"is_active": False}, {"is_active": True}, ("customer", True), id="reactivate"
            ),
            pytest.param({}, {}, ("customer", True), id="empty_body"),
        ],
    )
    async def test_change_is_saved_and_returned(
        self,
        as_admin: httpx.AsyncClient,
        create_user: CreateUser,
        db_session: AsyncSession,
        start: dict[str, object],
        body: dict[str, object],
        after: tuple[str, bool],
    ) -> None:
        user = await create_user(**start)

        response = await as_admin.patch(f"/admin/users/{user.id}", json=body)

        assert response.status_code == 200, response.text
        role, is_active = after
        assert response.json() == user_public(user) | {"role": role, "is_active": is_active}
        assert await stored(db_session, user) == after

    @pytest.mark.auth("customer")
    async def test_deactivating_revokes_every_refresh_token_and_locks_the_user_out(
        self,
        as_admin: httpx.AsyncClient,
        client: httpx.AsyncClient,
        auth_client: httpx.AsyncClient,
        db_session: AsyncSession,
        principal: Principal,
    ) -> None:
        user = principal.user
        laptop, phone = await log_in(client, user), await log_in(client, user)

        response = await as_admin.patch(f"/admin/users/{user.id}", json={"is_active": False})

        assert response.status_code == 200, response.text
        assert response.json() == user_public(user) | {"is_active": False}
        assert await revoked_by_jti(db_session, user.id) == {
            jti_of(laptop["refresh_token"]): True,
            jti_of(phone["refresh_token"]): True,
        }
        me = await auth_client.get("/users/me")
        assert me.status_code == 403, me.text

    async def test_unknown_user_is_404(self, as_admin: httpx.AsyncClient, admin: User) -> None:
        response = await as_admin.patch(f"/admin/users/{admin.id + 1}", json={"role": "admin"})

        assert response.status_code == 404, response.text
        assert response.json() == {"detail": "User not found"}

    @pytest.mark.parametrize(
        "body",
        [
            pytest.param({"role": "customer"}, id="demote_self"),
            pytest.param({"is_active": False}, id="deactivate_self"),
            pytest.param({"role": "customer", "is_active": True}, id="demote_self_while_active"),
        ],
    )
    async def test_admin_cannot_demote_or_deactivate_themselves(
        self,
        as_admin: httpx.AsyncClient,
        admin: User,
        db_session: AsyncSession,
        body: dict[str, object],
    ) -> None:
        response = await as_admin.patch(f"/admin/users/{admin.id}", json=body)

        assert response.status_code == 400, response.text
        assert response.json() == OWN_ACCOUNT
        assert await stored(db_session, admin) == ("admin", True)

    async def test_admin_may_confirm_their_own_role_and_activation(
        self, as_admin: httpx.AsyncClient, admin: User
    ) -> None:
        body = {"role": "admin", "is_active": True}

        response = await as_admin.patch(f"/admin/users/{admin.id}", json=body)

        assert response.status_code == 200, response.text
        assert response.json() == user_public(admin)

    @pytest.mark.parametrize(
        ("body", "field", "error_type"),
        [
            pytest.param({"role": "owner"}, "role", "enum", id="unknown_role"),
            pytest.param({"role": None}, "role", "value_error", id="null_role"),
            pytest.param({"is_active": None}, "is_active", "value_error", id="null_is_active"),
            pytest.param({"is_active": "maybe"}, "is_active", "bool_parsing", id="not_a_bool"),
        ],
    )
    async def test_invalid_field_is_422(
        self,
        as_admin: httpx.AsyncClient,
        create_user: CreateUser,
        body: dict[str, object],
        field: str,
        error_type: str,
    ) -> None:
        user = await create_user()

        response = await as_admin.patch(f"/admin/users/{user.id}", json=body)

        assert response.status_code == 422, response.text
        assert response.json() == {
            "detail": [{"loc": ["body", field], "msg": IsStr(), "type": error_type}]
        }

    @pytest.mark.parametrize("content", NON_OBJECT_BODIES)
    async def test_a_body_that_is_not_an_object_is_422_and_changes_nothing(
        self,
        as_admin: httpx.AsyncClient,
        create_user: CreateUser,
        db_session: AsyncSession,
        content: str,
    ) -> None:
        user = await create_user(is_active=False)

        response = await as_admin.patch(
            f"/admin/users/{user.id}",
            content=content,
            headers={"Content-Type": "application/json"},
        )

        assert response.status_code == 422, response.text
        assert response.json() == {"detail": [NOT_AN_OBJECT]}
        assert await stored(db_session, user) == ("customer", False)

    @pytest.mark.parametrize(
        "user_id",
        [pytest.param("0", id="zero"), pytest.param("abc", id="not_a_number")],
    )
    async def test_malformed_id_is_422(self, as_admin: httpx.AsyncClient, user_id: str) -> None:
        response = await as_admin.patch(f"/admin/users/{user_id}", json={})

        assert response.status_code == 422, response.text
        assert response.json() == {
            "detail": [{"loc": ["path", "user_id"], "msg": IsStr(), "type": IsStr()}]
        }
