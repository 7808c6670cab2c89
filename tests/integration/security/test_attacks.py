"""The attack catalogue: one test per attack, named for it, pinning the status it gets.

Token attacks are tried at both doors: an access token at GET /users/me and a refresh token at
POST /auth/refresh. Forgeries start from the claims of a real pair (its refresh `jti` recorded),
so only the attacked property differs from a token that would be accepted.
"""

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
import time_machine
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.security import TokenType
from app.users.models import User
from tests.integration.auth.test_register import customer_public, registration
from tests.support.data import CreateUser
from tests.support.payloads.users import user_public
from tests.support.tokens import bearer, log_in, sign

INVALID_TOKEN = {"detail": "Invalid token"}
ADMIN_REQUIRED = {"detail": "Admin access required"}


@dataclass(frozen=True)
class Door:
    """Where a token of `token_type` is shown: GET /users/me or POST /auth/refresh."""

    token_type: TokenType
    client: httpx.AsyncClient

    def pick(self, pair: dict[str, Any]) -> str:
        token: str = pair[f"{self.token_type.value}_token"]
        return token

    async def knock(self, token: str) -> httpx.Response:
        if self.token_type is TokenType.ACCESS:
            return await self.client.get("/users/me", headers=bearer(token))
        return await self.client.post("/auth/refresh", json={"refresh_token": token})


@pytest.fixture(
    params=[
        pytest.param(TokenType.ACCESS, id="access_token_at_users_me"),
        pytest.param(TokenType.REFRESH, id="refresh_token_at_auth_refresh"),
    ]
)
def door(request: pytest.FixtureRequest, client: httpx.AsyncClient) -> Door:
    return Door(request.param, client)


@pytest.fixture
async def victim(create_user: CreateUser) -> User:
    return await create_user()


@pytest.fixture
async def genuine(door: Door, client: httpx.AsyncClient, victim: User) -> dict[str, Any]:
    """The claims of the victim's real token for this door (a valid token when re-signed)."""
    token = door.pick(await log_in(client, victim))
    payload: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return payload


def assert_invalid_token(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.json() == INVALID_TOKEN
    assert response.headers["WWW-Authenticate"] == "Bearer"


def b64url(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


class TestForgedTokens:
    async def test_control_the_genuine_claims_re_signed_are_accepted(
        self, door: Door, genuine: dict[str, Any], settings: Settings
    ) -> None:
        response = await door.knock(sign(settings, genuine))

        assert response.status_code == 200, response.text

    async def test_alg_none(self, door: Door, genuine: dict[str, Any]) -> None:
        response = await door.knock(jwt.encode(genuine, None, algorithm="none"))

        assert_invalid_token(response)

    async def test_tampered_payload(
        self, door: Door, genuine: dict[str, Any], settings: Settings, create_user: CreateUser
    ) -> None:
        admin = await create_user(admin=True)
        header, _payload, signature = sign(settings, genuine).split(".")
        forged = b64url(genuine | {"sub": str(admin.id), "role": "admin"})

        response = await door.knock(f"{header}.{forged}.{signature}")

        assert_invalid_token(response)

    async def test_wrong_key(self, door: Door, genuine: dict[str, Any], settings: Settings) -> None:
        other = settings.model_copy(update={"secret_key": SecretStr("another-key-" + "x" * 40)})

        response = await door.knock(sign(other, genuine))

        assert_invalid_token(response)

    async def test_wrong_iss(self, door: Door, genuine: dict[str, Any], settings: Settings) -> None:
        response = await door.knock(sign(settings, genuine | {"iss": "elsewhere"}))

        assert_invalid_token(response)

    async def test_wrong_aud(self, door: Door, genuine: dict[str, Any], settings: Settings) -> None:
        response = await door.knock(sign(settings, genuine | {"aud": "another-api"}))

        assert_invalid_token(response)

    async def test_missing_sub(
        self, door: Door, genuine: dict[str, Any], settings: Settings
    ) -> None:
        payload = {claim: value for claim, value in genuine.items() if claim != "sub"}

        response = await door.knock(sign(settings, payload))

        assert_invalid_token(response)

    async def test_non_numeric_sub(
        self, door: Door, genuine: dict[str, Any], settings: Settings, victim: User
    ) -> None:
        response = await door.knock(sign(settings, genuine | {"sub": victim.email}))

        assert_invalid_token(response)


class TestStaleTokens:
    async def test_expired(self, door: Door, client: httpx.AsyncClient, victim: User) -> None:
        issued = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)
        with time_machine.travel(issued, tick=False):
            token = door.pick(await log_in(client, victim))
        # Past both lifetimes (15 minutes, 7 days) by one second.
        with time_machine.travel(issued + timedelta(days=7, seconds=1), tick=False):
            response = await door.knock(token)

        assert_invalid_token(response)

    async def test_token_for_a_deleted_user(
        self, door: Door, client: httpx.AsyncClient, victim: User, db_session: AsyncSession
    ) -> None:
        token = door.pick(await log_in(client, victim))
        await db_session.delete(victim)
        await db_session.commit()

        response = await door.knock(token)

        assert_invalid_token(response)

    async def test_token_for_a_deactivated_user(
        self, door: Door, client: httpx.AsyncClient, victim: User, db_session: AsyncSession
    ) -> None:
        token = door.pick(await log_in(client, victim))
        victim.is_active = False
        await db_session.commit()

        response = await door.knock(token)

        # The documented choice for deactivated accounts (docs/decisions.md).
        assert response.status_code == 403, response.text
        assert response.json() == {"detail": "Account is deactivated"}


class TestTokenTypes:
    async def test_refresh_token_used_as_access_token(
        self, client: httpx.AsyncClient, victim: User
    ) -> None:
        pair = await log_in(client, victim)

        response = await client.get("/users/me", headers=bearer(pair["refresh_token"]))

        assert_invalid_token(response)

    async def test_access_token_used_as_refresh_token(
        self, client: httpx.AsyncClient, victim: User
    ) -> None:
        pair = await log_in(client, victim)

        response = await client.post("/auth/refresh", json={"refresh_token": pair["access_token"]})

        assert_invalid_token(response)
        # Not taken for reuse either: the real refresh token still works.
        still = await client.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]})
        assert still.status_code == 200, still.text


class TestRefreshTokenTheft:
    async def test_reuse_of_a_rotated_refresh_token(
        self, client: httpx.AsyncClient, victim: User
    ) -> None:
        stolen = (await log_in(client, victim))["refresh_token"]
        rotated = await client.post("/auth/refresh", json={"refresh_token": stolen})
        assert rotated.status_code == 200, rotated.text

        reuse = await client.post("/auth/refresh", json={"refresh_token": stolen})
        successor = await client.post(
            "/auth/refresh", json={"refresh_token": rotated.json()["refresh_token"]}
        )

        assert_invalid_token(reuse)
        assert_invalid_token(successor)

    async def test_logout_of_someone_elses_token(
        self, client: httpx.AsyncClient, victim: User, create_user: CreateUser
    ) -> None:
        attacker = await create_user()
        victims = await log_in(client, victim)
        attackers = await log_in(client, attacker)

        response = await client.post(
            "/auth/logout",
            json={"refresh_token": victims["refresh_token"]},
            headers=bearer(attackers["access_token"]),
        )

        assert response.status_code == 204, response.text
        still = await client.post("/auth/refresh", json={"refresh_token": victims["refresh_token"]})
        assert still.status_code == 200, still.text


class TestRoleEscalation:
    async def test_role_escalation_through_registration(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/auth/register", json=registration(role="admin"))
        assert response.status_code == 201, response.text
        login = await client.post(
            "/auth/login", json={"email": "ada@example.com", "password": "correct horse battery"}
        )
        assert login.status_code == 200, login.text

        admin_only = await client.get("/admin/users", headers=bearer(login.json()["access_token"]))

        assert response.json() == customer_public()
        assert admin_only.status_code == 403, admin_only.text
        assert admin_only.json() == ADMIN_REQUIRED

    async def test_role_escalation_through_patch_users_me(
        self, client: httpx.AsyncClient, victim: User, db_session: AsyncSession
    ) -> None:
        pair = await log_in(client, victim)
        headers = bearer(pair["access_token"])

        response = await client.patch("/users/me", json={"role": "admin"}, headers=headers)
        admin_only = await client.get("/admin/users", headers=headers)

        assert response.status_code == 200, response.text
        assert response.json() == user_public(victim)
        await db_session.refresh(victim)
        assert victim.role == "customer"
        assert admin_only.status_code == 403, admin_only.text
        assert admin_only.json() == ADMIN_REQUIRED
