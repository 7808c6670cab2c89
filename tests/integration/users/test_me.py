"""GET /users/me: who the bearer token says, and every way a token is refused."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.security import TokenType, create_token
from app.users.models import User
from tests.fixtures.auth import Principal
from tests.integration.users.payloads import user_public
from tests.support.data import CreateUser
from tests.support.host import bearer_headers

MakeToken = Callable[[Settings, User], str]


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


def expired(settings: Settings, user: User) -> str:
    # Minted two hours ago with a 15-minute lifetime: time is set by `now`, no sleeping.
    return access_token(settings, user, now=datetime.now(UTC) - timedelta(hours=2))


def signed_with_another_key(settings: Settings, user: User) -> str:
    other = settings.model_copy(update={"secret_key": SecretStr("another-key-" + "x" * 40)})
    return access_token(other, user)


def refresh_token(settings: Settings, user: User) -> str:
    return create_token(
        settings,
        subject=user.id,
        role=user.role,
        token_type=TokenType.REFRESH,
        now=datetime.now(UTC),
    )


def wrong_issuer(settings: Settings, user: User) -> str:
    return access_token(settings.model_copy(update={"jwt_issuer": "elsewhere"}), user)


def wrong_audience(settings: Settings, user: User) -> str:
    return access_token(settings.model_copy(update={"jwt_audience": "another-api"}), user)


def unsigned(settings: Settings, user: User) -> str:
    return jwt.encode(claims(settings, user), None, algorithm="none")


def without_jti(settings: Settings, user: User) -> str:
    payload = claims(settings, user)
    del payload["jti"]
    return jwt.encode(payload, settings.signing_key, algorithm="HS256")


def non_numeric_subject(settings: Settings, user: User) -> str:
    payload = claims(settings, user) | {"sub": user.email}
    return jwt.encode(payload, settings.signing_key, algorithm="HS256")


def not_a_jwt(_settings: Settings, _user: User) -> str:
    return "not-a-jwt"


class TestReadMe:
    @pytest.mark.auth(anonymous=401, customer=200, admin=200)
    async def test_anonymous_gets_401_and_users_get_their_own_profile(
        self, auth_client: httpx.AsyncClient, principal: Principal, expected_status: int
    ) -> None:
        response = await auth_client.get("/users/me")

        assert response.status_code == expected_status, response.text
        if principal.user is None:
            assert response.json() == {"detail": "Not authenticated"}
            assert response.headers["WWW-Authenticate"] == "Bearer"
        else:
            assert response.json() == user_public(principal.user)

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
            pytest.param(expired, id="expired"),
            pytest.param(signed_with_another_key, id="another_key"),
            pytest.param(refresh_token, id="refresh_token"),
            pytest.param(wrong_issuer, id="wrong_issuer"),
            pytest.param(wrong_audience, id="wrong_audience"),
            pytest.param(unsigned, id="alg_none"),
            pytest.param(without_jti, id="missing_claim"),
            pytest.param(non_numeric_subject, id="non_numeric_subject"),
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

    async def test_token_of_a_deleted_user_gets_401(
        self,
        client: httpx.AsyncClient,
        create_user: CreateUser,
        settings: Settings,
        db_session: AsyncSession,
    ) -> None:
        user = await create_user()
        headers = bearer_headers(settings, user)
        await db_session.delete(user)
        await db_session.flush()

        response = await client.get("/users/me", headers=headers)

        assert response.status_code == 401, response.text
        assert response.json() == {"detail": "Invalid token"}

    async def test_token_of_a_deactivated_user_gets_403(
        self, client: httpx.AsyncClient, create_user: CreateUser, settings: Settings
    ) -> None:
        # The documented choice for deactivated accounts is 403, as at login.
        user = await create_user(is_active=False)

        response = await client.get("/users/me", headers=bearer_headers(settings, user))

        assert response.status_code == 403, response.text
        assert response.json() == {"detail": "Account is deactivated"}

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
