"""Who may call the users router: every protected endpoint, one row per principal."""

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.users.models import User
from tests.fixtures.auth import Principal, Principals
from tests.support.payloads.users import user_public

NOT_AUTHENTICATED = {"detail": "Not authenticated"}
ADMIN_REQUIRED = {"detail": "Admin access required"}


class TestUsersMePermissions:
    @pytest.mark.auth(anonymous=401, customer=200, admin=200)
    async def test_read_me_shows_the_callers_own_profile(
        self, auth_client: httpx.AsyncClient, principal: Principal, expected_status: int
    ) -> None:
        response = await auth_client.get("/users/me")

        assert response.status_code == expected_status, response.text
        if principal.user is None:
            assert response.json() == NOT_AUTHENTICATED
            assert response.headers["WWW-Authenticate"] == "Bearer"
        else:
            assert response.json() == user_public(principal.user)

    @pytest.mark.auth(anonymous=401, customer=200, admin=200)
    async def test_update_me_changes_the_callers_own_profile(
        self, auth_client: httpx.AsyncClient, principal: Principal, expected_status: int
    ) -> None:
        response = await auth_client.patch("/users/me", json={"name": "Renamed"})

        assert response.status_code == expected_status, response.text
        if principal.user is None:
            assert response.json() == NOT_AUTHENTICATED
            assert response.headers["WWW-Authenticate"] == "Bearer"
        else:
            assert response.json() == user_public(principal.user) | {"name": "Renamed"}


class TestAdminUsersPermissions:
    @pytest.mark.auth(anonymous=401, customer=403, admin=200)
    async def test_only_admins_may_list(
        self, auth_client: httpx.AsyncClient, principal: Principal, expected_status: int
    ) -> None:
        response = await auth_client.get("/admin/users")

        assert response.status_code == expected_status, response.text
        refusals = {401: NOT_AUTHENTICATED, 403: ADMIN_REQUIRED}
        assert response.json() == (refusals.get(expected_status) or [user_public(principal.user)])

    @pytest.mark.auth(anonymous=401, customer=403, owner=403, other=403, admin=200)
    async def test_only_admins_may_change_a_user(
        self,
        auth_client: httpx.AsyncClient,
        principals: Principals,
        expected_status: int,
        db_session: AsyncSession,
    ) -> None:
        owner = (await principals.get("owner")).user

        response = await auth_client.patch(f"/admin/users/{owner.id}", json={"role": "admin"})

        assert response.status_code == expected_status, response.text
        refusals = {401: NOT_AUTHENTICATED, 403: ADMIN_REQUIRED}
        expected_role = "admin" if expected_status == 200 else "customer"
        assert response.json() == (
            refusals.get(expected_status) or user_public(owner) | {"role": "admin"}
        )
        stored = await db_session.scalar(select(User.role).where(User.id == owner.id))
        assert stored == expected_role
