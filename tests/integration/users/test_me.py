"""GET /users/me: who the bearer token says, and every way a token is refused."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest

from app.core.config import Settings
from app.core.security import TokenType, create_token
from app.users.models import User
from tests.support.data import CreateUser
from tests.support.host import bearer_headers

MakeToken = Callable[[Settings, User], str]
LARGEST_ID = 2**31 - 1  # of a 32-bit key, as PostgreSQL keeps it


def access_token(settings: Settings, user: User, *, now: datetime | None = None) -> str:
    return create_token(
        settings,
        subject=user.id,
        role=user.role,
        token_type=TokenType.ACCESS,
        now=now or datetime.now(UTC),
    )


def claims(settings: Settings, user: User) -> dict[str, Any]:
    """What a valid access token for `user` carries, to be tampered with."""
    now = datetime.now(UTC)
    return {
        "sub": str(user.id),
        "role": user.role,
        "type": "access",
        "iat": now,
        "exp": now + timedelta(minutes=15),
        "jti": "0123456789abcdef",
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
    }


def without_jti(settings: Settings, user: User) -> str:
    payload = claims(settings, user)
    del payload["jti"]
    return jwt.encode(payload, settings.signing_key, algorithm="HS256")


def not_a_jwt(_settings: Settings, _user: User) -> str:
    return "not-a-jwt"


class TestReadMe:
    async def test_returns_the_whole_public_profile(
        self, client: httpx.AsyncClient, create_user: CreateUser, settings: Settings
    ) -> None:
        user = await create_user(name="Grace Hopper", email="grace@example.com")

        response = await client.get("/users/me", headers=bearer_headers(settings, user))

        assert response.status_code == 200, response.text
        assert response.json() == {
            "id": user.id,
            "name": "Grace Hopper",
            "email": "grace@example.com",
            "role": "customer",
            "is_active": True,
            "created_at": user.created_at.isoformat().replace("+00:00", "Z"),
        }

    @pytest.mark.parametrize(
        "make_token",
        [
            pytest.param(without_jti, id="missing_claim"),
            pytest.param(not_a_jwt, id="not_a_jwt"),
        ],
    )
    async def test_unacceptable_token_gets_401(
        self,
        client: httpx.AsyncClient,
        create_user: CreateUser,
        settings: Settings,
        make_token: MakeToken,
    ) -> None:
        user = await create_user()
        headers = {"Authorization": f"Bearer {make_token(settings, user)}"}

        response = await client.get("/users/me", headers=headers)

        assert response.status_code == 401, response.text
        assert response.json() == {"detail": "Invalid token"}
        assert response.headers["WWW-Authenticate"] == "Bearer"

    async def test_the_largest_id_of_the_column_is_found(
        self, client: httpx.AsyncClient, create_user: CreateUser, settings: Settings
    ) -> None:
        user = await create_user(id=LARGEST_ID)

        response = await client.get("/users/me", headers=bearer_headers(settings, user))

        assert response.status_code == 200, response.text
        assert response.json()["id"] == LARGEST_ID

    # A validly signed token whose subject no row can have: a 401, never the driver's overflow.
    @pytest.mark.parametrize(
        "subject",
        [
            pytest.param(LARGEST_ID + 1, id="int32_max_plus_1"),
            pytest.param(2**63, id="int64_max_plus_1"),
        ],
    )
    async def test_a_subject_past_the_column_gets_401(
        self, client: httpx.AsyncClient, settings: Settings, subject: int
    ) -> None:
        token = access_token(settings, User(id=subject, role="customer"))  # a row never stored

        response = await client.get("/users/me", headers={"Authorization": f"Bearer {token}"})

        assert response.status_code == 401, response.text
        assert response.json() == {"detail": "Invalid token"}

    @pytest.mark.parametrize(
        "authorization",
        [
            pytest.param("Basic YWRhQGV4YW1wbGUuY29tOnNlY3JldA==", id="basic"),
            pytest.param("Token abc.def.ghi", id="other_scheme"),
            pytest.param("abc.def.ghi", id="no_scheme"),
        ],
    )
    async def test_non_bearer_authorization_gets_401(
        self, client: httpx.AsyncClient, authorization: str
    ) -> None:
        response = await client.get("/users/me", headers={"Authorization": authorization})

        assert response.status_code == 401, response.text
        assert response.json() == {"detail": "Not authenticated"}
        assert response.headers["WWW-Authenticate"] == "Bearer"
