"""POST /auth/logout: revokes the caller's own refresh token, and nothing else."""

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.security import TokenType
from app.users.models import User
from tests.support.data import CreateUser
from tests.support.tokens import bearer, claims, jti_of, log_in, revoked_by_jti, sign


async def log_out(client: httpx.AsyncClient, access: str, refresh: str) -> httpx.Response:
    return await client.post(
        "/auth/logout", json={"refresh_token": refresh}, headers=bearer(access)
    )


class TestLogout:
    async def test_own_refresh_token_is_revoked_and_refused_afterwards(
        self, client: httpx.AsyncClient, create_user: CreateUser, db_session: AsyncSession
    ) -> None:
        user = await create_user()
        pair = await log_in(client, user)

        response = await log_out(client, pair["access_token"], pair["refresh_token"])

        assert response.status_code == 204, response.text
        assert response.content == b""
        assert await revoked_by_jti(db_session, user.id) == {jti_of(pair["refresh_token"]): True}
        refused = await client.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]})
        assert refused.status_code == 401, refused.text

    async def test_the_callers_other_sessions_stay_live(
        self, client: httpx.AsyncClient, create_user: CreateUser, db_session: AsyncSession
    ) -> None:
        user = await create_user()
        laptop, phone = await log_in(client, user), await log_in(client, user)

        response = await log_out(client, laptop["access_token"], laptop["refresh_token"])

        assert response.status_code == 204, response.text
        assert await revoked_by_jti(db_session, user.id) == {
            jti_of(laptop["refresh_token"]): True,
            jti_of(phone["refresh_token"]): False,
        }

    async def test_logging_out_twice_is_204_both_times(
        self, client: httpx.AsyncClient, create_user: CreateUser
    ) -> None:
        user = await create_user()
        pair = await log_in(client, user)

        first = await log_out(client, pair["access_token"], pair["refresh_token"])
        second = await log_out(client, pair["access_token"], pair["refresh_token"])

        assert (first.status_code, second.status_code) == (204, 204), second.text

    @pytest.mark.parametrize(
        "token_type",
        [
            pytest.param(TokenType.ACCESS, id="access_token_in_body"),
            pytest.param(None, id="not_a_jwt"),
        ],
    )
    async def test_body_that_is_no_refresh_token_is_204_and_revokes_nothing(
        self,
        client: httpx.AsyncClient,
        create_user: CreateUser,
        db_session: AsyncSession,
        settings: Settings,
        token_type: TokenType | None,
    ) -> None:
        user: User = await create_user()
        pair = await log_in(client, user)
        body = "not-a-jwt"
        if token_type is not None:
            body = sign(
                settings,
                claims(settings, user, token_type) | {"jti": jti_of(pair["refresh_token"])},
            )

        response = await log_out(client, pair["access_token"], body)

        assert response.status_code == 204, response.text
        assert await revoked_by_jti(db_session, user.id) == {jti_of(pair["refresh_token"]): False}

    async def test_missing_refresh_token_is_422(
        self, client: httpx.AsyncClient, create_user: CreateUser
    ) -> None:
        user = await create_user()
        pair = await log_in(client, user)

        response = await client.post("/auth/logout", json={}, headers=bearer(pair["access_token"]))

        assert response.status_code == 422, response.text
        assert response.json() == {
            "detail": [
                {"loc": ["body", "refresh_token"], "msg": "Field required", "type": "missing"}
            ]
        }
