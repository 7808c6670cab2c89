"""POST /auth/register: a new customer, whatever the body claims."""

from collections.abc import AsyncIterator

import httpx
import pytest
from dirty_equals import IsInt
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import ASGIApp

from app.users.models import User
from tests.fixtures.app import BASE_URL
from tests.support.data import CreateUser
from tests.support.payloads.users import RECENT_UTC_TIMESTAMP

PASSWORD = "correct horse battery"


def registration(**overrides: object) -> dict[str, object]:
    """A valid registration body, with some fields replaced."""
    body: dict[str, object] = {"name": "Ada Lovelace", "email": "ada@example.com"}
    return body | {"password": PASSWORD} | overrides


def customer_public(email: str = "ada@example.com") -> dict[str, object]:
    """The 201 body of a registration: a new, active customer."""
    return {
        "id": IsInt(gt=0),
        "name": "Ada Lovelace",
        "email": email,
        "role": "customer",
        "is_active": True,
        "created_at": RECENT_UTC_TIMESTAMP,
    }


async def count_users(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(User)) or 0


@pytest.fixture
async def tolerant_client(running_app: ASGIApp) -> AsyncIterator[httpx.AsyncClient]:
    """Sees a server error as the 500 response a client would get, not as a raised exception."""
    transport = httpx.ASGITransport(app=running_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as tolerant:
        yield tolerant


class TestRegister:
    async def test_new_account_gets_201_and_its_public_profile(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post("/auth/register", json=registration())

        assert response.status_code == 201, response.text
        assert response.json() == customer_public()
        assert PASSWORD not in response.text

    async def test_email_is_lower_cased_and_name_trimmed(
        self, client: httpx.AsyncClient, db_session: AsyncSession
    ) -> None:
        body = registration(name="  Ada Lovelace\t", email="Ada.Lovelace@Example.COM")

        response = await client.post("/auth/register", json=body)

        assert response.status_code == 201, response.text
        assert response.json() == customer_public(email="ada.lovelace@example.com")
        stored = await db_session.execute(select(User.name, User.email))
        assert stored.all() == [("Ada Lovelace", "ada.lovelace@example.com")]

    @pytest.mark.parametrize(
        "password",
        [
            pytest.param("abcdefg8", id="8_chars"),
            pytest.param("p" * 127 + "!", id="128_chars"),
        ],
    )
    async def test_password_length_bounds_are_inclusive(
        self, client: httpx.AsyncClient, password: str
    ) -> None:
        response = await client.post("/auth/register", json=registration(password=password))

        assert response.status_code == 201, response.text

    @pytest.mark.parametrize(
        "email",
        [
            pytest.param("ada@example.com", id="same_case"),
            pytest.param("ADA@Example.Com", id="different_case"),
        ],
    )
    async def test_taken_email_returns_409(
        self,
        client: httpx.AsyncClient,
        create_user: CreateUser,
        db_session: AsyncSession,
        email: str,
    ) -> None:
        await create_user(email="ada@example.com")
        # Committed, as an account from an earlier request would be: the factory only flushes,
        # and the app's rollback after the IntegrityError would otherwise discard it as well.
        await db_session.commit()

        response = await client.post("/auth/register", json=registration(email=email))

        assert response.status_code == 409, response.text
        assert response.json() == {"detail": "Email already registered"}
        assert await count_users(db_session) == 1

    async def test_role_and_is_active_in_the_body_are_ignored(
        self, client: httpx.AsyncClient, db_session: AsyncSession
    ) -> None:
        body = registration(role="admin", is_active=False)

        response = await client.post("/auth/register", json=body)

        assert response.status_code == 201, response.text
        assert response.json() == customer_public()
        stored = await db_session.execute(
            select(User.role, User.is_active).where(User.id == response.json()["id"])
        )
        assert stored.one() == ("customer", True)

    @pytest.mark.parametrize(
        ("body", "error"),
        [
            pytest.param(
                registration(email="not-an-email"),
                {
                    "loc": ["body", "email"],
                    "msg": "value is not a valid email address: "
                    "An email address must have an @-sign.",
                    "type": "value_error",
                },
                id="bad_email",
            ),
            pytest.param(
                registration(password="abcdef7"),
                {
                    "loc": ["body", "password"],
                    "msg": "String should have at least 8 characters",
                    "type": "string_too_short",
                },
                id="password_7_chars",
            ),
            pytest.param(
                registration(password="p" * 128 + "!"),
                {
                    "loc": ["body", "password"],
                    "msg": "String should have at most 128 characters",
                    "type": "string_too_long",
                },
                id="password_129_chars",
            ),
            pytest.param(
                registration(password="20260131123"),
                {
                    "loc": ["body", "password"],
                    "msg": "Value error, Password must not be all digits",
                    "type": "value_error",
                },
                id="password_all_digits",
            ),
            pytest.param(
                registration(password="password123"),
                {
                    "loc": ["body", "password"],
                    "msg": "Value error, Password is too common",
                    "type": "value_error",
                },
                id="common_password",
            ),
            pytest.param(
                registration(password="PassWord123"),
                {
                    "loc": ["body", "password"],
                    "msg": "Value error, Password is too common",
                    "type": "value_error",
                },
                id="common_password_other_case",
            ),
            pytest.param(
                registration(name=" \t "),
                {
                    "loc": ["body", "name"],
                    "msg": "String should have at least 1 character",
                    "type": "string_too_short",
                },
                id="blank_name",
            ),
            pytest.param(
                registration(name="n" * 101),
                {
                    "loc": ["body", "name"],
                    "msg": "String should have at most 100 characters",
                    "type": "string_too_long",
                },
                id="name_101_chars",
            ),
            pytest.param(
                registration(name=None),
                {
                    "loc": ["body", "name"],
                    "msg": "Input should be a valid string",
                    "type": "string_type",
                },
                id="null_name",
            ),
            pytest.param(
                {"name": "Ada Lovelace", "email": "ada@example.com"},
                {"loc": ["body", "password"], "msg": "Field required", "type": "missing"},
                id="missing_password",
            ),
        ],
    )
    async def test_invalid_body_returns_422_without_echoing_the_password(
        self,
        client: httpx.AsyncClient,
        db_session: AsyncSession,
        body: dict[str, object],
        error: dict[str, object],
    ) -> None:
        response = await client.post("/auth/register", json=body)

        assert response.status_code == 422, response.text
        assert response.json() == {"detail": [error]}
        assert str(body.get("password", PASSWORD)) not in response.text
        assert await count_users(db_session) == 0

    async def test_name_with_a_nul_character_is_422_on_every_database(
        self, tolerant_client: httpx.AsyncClient
    ) -> None:
        # PostgreSQL cannot store U+0000 in text (500 there), SQLite stores it (201): the API
        # must refuse it before it reaches either.
        response = await tolerant_client.post("/auth/register", json=registration(name="Ada\x00"))

        assert response.status_code == 422, response.text
        assert response.json() == {
            "detail": [
                {
                    "loc": ["body", "name"],
                    "msg": "Value error, must not contain NUL characters",
                    "type": "value_error",
                }
            ]
        }
