"""PATCH /users/me: one's own name and password; nothing an admin decides."""

from collections.abc import Mapping

import httpx
import pytest
from dirty_equals import IsStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.users.models import User
from tests.factories import TEST_PASSWORD
from tests.support.data import CreateUser
from tests.support.payloads import NON_OBJECT_BODIES, NOT_AN_OBJECT
from tests.support.payloads.users import user_public
from tests.support.tokens import bearer, jti_of, log_in, revoked_by_jti

NEW_PASSWORD = "a brand new passphrase"
WRONG_CURRENT = {"detail": "Current password is incorrect"}


@pytest.fixture
async def user(create_user: CreateUser) -> User:
    return await create_user(name="Ada Lovelace", email="ada@example.com")


@pytest.fixture
async def pair(client: httpx.AsyncClient, user: User) -> dict[str, str]:
    return await log_in(client, user)


async def patch_me(
    client: httpx.AsyncClient, pair: dict[str, str], body: Mapping[str, object]
) -> httpx.Response:
    return await client.patch("/users/me", json=body, headers=bearer(pair["access_token"]))


async def sign_in(client: httpx.AsyncClient, password: str) -> int:
    body = {"email": "ada@example.com", "password": password}
    return (await client.post("/auth/login", json=body)).status_code


class TestUpdateName:
    async def test_name_is_trimmed_and_saved(
        self, client: httpx.AsyncClient, pair: dict[str, str], user: User, db_session: AsyncSession
    ) -> None:
        response = await patch_me(client, pair, {"name": "  Countess of Lovelace "})

        assert response.status_code == 200, response.text
        assert response.json() == user_public(user) | {"name": "Countess of Lovelace"}
        stored = await db_session.scalar(select(User.name).where(User.id == user.id))
        assert stored == "Countess of Lovelace"

    async def test_empty_body_changes_nothing(
        self, client: httpx.AsyncClient, pair: dict[str, str], user: User
    ) -> None:
        before = user_public(user)

        response = await patch_me(client, pair, {})

        assert response.status_code == 200, response.text
        assert response.json() == before

    @pytest.mark.parametrize("content", NON_OBJECT_BODIES)
    async def test_a_body_that_is_not_an_object_is_422(
        self, client: httpx.AsyncClient, pair: dict[str, str], user: User, content: str
    ) -> None:
        headers = {**bearer(pair["access_token"]), "Content-Type": "application/json"}

        response = await client.patch("/users/me", content=content, headers=headers)

        assert response.status_code == 422, response.text
        assert response.json() == {"detail": [NOT_AN_OBJECT]}

    async def test_email_and_is_active_in_the_body_are_ignored(
        self, client: httpx.AsyncClient, pair: dict[str, str], user: User, db_session: AsyncSession
    ) -> None:
        before = user_public(user)
        body = {"email": "eve@example.com", "is_active": False}

        response = await patch_me(client, pair, body)

        assert response.status_code == 200, response.text
        assert response.json() == before
        stored = await db_session.execute(
            select(User.email, User.is_active).where(User.id == user.id)
        )
        assert stored.one() == ("ada@example.com", True)

    @pytest.mark.parametrize(
        ("body", "field", "error_type"),
        [
            pytest.param({"name": None}, "name", "value_error", id="null_name"),
            pytest.param({"name": " \t "}, "name", "string_too_short", id="blank_name"),
            pytest.param({"name": "n" * 101}, "name", "string_too_long", id="name_101_chars"),
            pytest.param(
                {"current_password": TEST_PASSWORD, "new_password": None},
                "new_password",
                "value_error",
                id="null_new_password",
            ),
        ],
    )
    async def test_invalid_field_is_422(
        self,
        client: httpx.AsyncClient,
        pair: dict[str, str],
        body: dict[str, object],
        field: str,
        error_type: str,
    ) -> None:
        response = await patch_me(client, pair, body)

        assert response.status_code == 422, response.text
        assert response.json() == {
            "detail": [{"loc": ["body", field], "msg": IsStr(), "type": error_type}]
        }


class TestChangePassword:
    async def test_right_current_password_switches_the_password(
        self, client: httpx.AsyncClient, pair: dict[str, str], user: User
    ) -> None:
        body = {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD}

        response = await patch_me(client, pair, body)

        assert response.status_code == 200, response.text
        assert response.json() == user_public(user)
        assert NEW_PASSWORD not in response.text
        assert (await sign_in(client, TEST_PASSWORD), await sign_in(client, NEW_PASSWORD)) == (
            401,
            200,
        )

    async def test_password_change_revokes_every_refresh_token(
        self,
        client: httpx.AsyncClient,
        pair: dict[str, str],
        user: User,
        db_session: AsyncSession,
    ) -> None:
        other_device = await log_in(client, user)
        body = {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD}

        response = await patch_me(client, pair, body)

        assert response.status_code == 200, response.text
        assert await revoked_by_jti(db_session, user.id) == {
            jti_of(pair["refresh_token"]): True,
            jti_of(other_device["refresh_token"]): True,
        }

    @pytest.mark.parametrize(
        "body",
        [
            pytest.param(
                {"current_password": "not the password", "new_password": NEW_PASSWORD},
                id="wrong_current_password",
            ),
            pytest.param({"new_password": NEW_PASSWORD}, id="no_current_password"),
        ],
    )
    async def test_without_the_right_current_password_is_400_and_changes_nothing(
        self,
        client: httpx.AsyncClient,
        pair: dict[str, str],
        user: User,
        db_session: AsyncSession,
        body: dict[str, object],
    ) -> None:
        response = await patch_me(client, pair, body | {"name": "Renamed"})

        assert response.status_code == 400, response.text
        assert response.json() == WRONG_CURRENT
        stored = await db_session.scalar(select(User.name).where(User.id == user.id))
        assert stored == "Ada Lovelace"
        assert await revoked_by_jti(db_session, user.id) == {jti_of(pair["refresh_token"]): False}
        assert await sign_in(client, TEST_PASSWORD) == 200

    @pytest.mark.parametrize(
        ("new_password", "error_type"),
        [
            pytest.param("abcdef7", "string_too_short", id="7_chars"),
            pytest.param("p" * 129, "string_too_long", id="129_chars"),
            pytest.param("20260131123", "value_error", id="all_digits"),
            pytest.param("Password123", "value_error", id="common"),
        ],
    )
    async def test_new_password_follows_the_registration_policy(
        self, client: httpx.AsyncClient, pair: dict[str, str], new_password: str, error_type: str
    ) -> None:
        body = {"current_password": TEST_PASSWORD, "new_password": new_password}

        response = await patch_me(client, pair, body)

        assert response.status_code == 422, response.text
        assert response.json() == {
            "detail": [{"loc": ["body", "new_password"], "msg": IsStr(), "type": error_type}]
        }
        assert new_password not in response.text
