"""POST /auth/refresh: rotation by jti, reuse detection that sticks, and one winner per race."""

import asyncio
from datetime import UTC, datetime

import httpx
import pytest
from dirty_equals import IsStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import Settings
from app.core.security import TokenType, create_token
from app.users.models import User
from tests.factories import UserFactory
from tests.integration.auth.test_login import JWT
from tests.support.data import CreateUser
from tests.support.payloads.users import user_public
from tests.support.races import racing_session_class
from tests.support.tokens import bearer, jti_of, log_in, revoked_by_jti

INVALID_TOKEN = {"detail": "Invalid token"}


async def refresh(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.post("/auth/refresh", json={"refresh_token": token})


class TestRefresh:
    async def test_live_refresh_token_gets_a_new_working_pair(
        self, client: httpx.AsyncClient, create_user: CreateUser
    ) -> None:
        user = await create_user()
        pair = await log_in(client, user)

        response = await refresh(client, pair["refresh_token"])

        assert response.status_code == 200, response.text
        assert response.json() == {
            "access_token": JWT,
            "refresh_token": JWT,
            "token_type": "bearer",
            "expires_in": 900,
        }
        me = await client.get("/users/me", headers=bearer(response.json()["access_token"]))
        assert me.status_code == 200, me.text
        assert me.json() == user_public(user)

    async def test_used_token_is_revoked_and_the_new_one_recorded(
        self, client: httpx.AsyncClient, create_user: CreateUser, db_session: AsyncSession
    ) -> None:
        user = await create_user()
        old = (await log_in(client, user))["refresh_token"]

        response = await refresh(client, old)

        assert response.status_code == 200, response.text
        new = response.json()["refresh_token"]
        assert await revoked_by_jti(db_session, user.id) == {jti_of(old): True, jti_of(new): False}

    async def test_new_pair_carries_the_role_the_user_has_now(
        self, client: httpx.AsyncClient, create_user: CreateUser, db_session: AsyncSession
    ) -> None:
        user = await create_user()
        pair = await log_in(client, user)
        user.role = "admin"
        await db_session.commit()

        response = await refresh(client, pair["refresh_token"])

        assert response.status_code == 200, response.text
        admin_list = await client.get(
            "/admin/users", headers=bearer(response.json()["access_token"])
        )
        assert admin_list.status_code == 200, admin_list.text

    async def test_signed_token_never_recorded_is_401_and_revokes_nothing(
        self,
        client: httpx.AsyncClient,
        create_user: CreateUser,
        settings: Settings,
        db_session: AsyncSession,
    ) -> None:
        user = await create_user()
        recorded = (await log_in(client, user))["refresh_token"]
        unrecorded = create_token(
            settings,
            subject=user.id,
            role=user.role,
            token_type=TokenType.REFRESH,
            now=datetime.now(UTC),
        )

        response = await refresh(client, unrecorded)

        assert response.status_code == 401, response.text
        assert response.json() == INVALID_TOKEN
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert await revoked_by_jti(db_session, user.id) == {jti_of(recorded): False}

    @pytest.mark.parametrize(
        ("body", "error"),
        [
            pytest.param({}, {"loc": ["body", "refresh_token"], "type": "missing"}, id="missing"),
            pytest.param(
                {"refresh_token": ""},
                {"loc": ["body", "refresh_token"], "type": "string_too_short"},
                id="empty",
            ),
            pytest.param(
                {"refresh_token": None},
                {"loc": ["body", "refresh_token"], "type": "string_type"},
                id="null",
            ),
        ],
    )
    async def test_malformed_body_is_422(
        self, client: httpx.AsyncClient, body: dict[str, object], error: dict[str, object]
    ) -> None:
        response = await client.post("/auth/refresh", json=body)

        assert response.status_code == 422, response.text
        assert response.json() == {"detail": [{**error, "msg": IsStr()}]}


async def committed_user(committed_db: async_sessionmaker[AsyncSession]) -> User:
    async with committed_db() as session:
        user: User = UserFactory.build()
        session.add(user)
        await session.commit()
    return user


async def stored_revocations(
    committed_db: async_sessionmaker[AsyncSession], user: User
) -> dict[str, bool]:
    """Read through a session of its own: only what the app really committed is there."""
    async with committed_db() as session:
        return await revoked_by_jti(session, user.id)


class TestReuseDetection:
    async def test_reuse_revokes_every_token_of_the_user_and_the_revocation_is_committed(
        self,
        committed_client: httpx.AsyncClient,
        committed_db: async_sessionmaker[AsyncSession],
    ) -> None:
        user = await committed_user(committed_db)
        stolen = (await log_in(committed_client, user))["refresh_token"]
        other_device = (await log_in(committed_client, user))["refresh_token"]
        rotated = (await refresh(committed_client, stolen)).json()["refresh_token"]

        reuse = await refresh(committed_client, stolen)

        assert reuse.status_code == 401, reuse.text
        assert reuse.json() == INVALID_TOKEN
        assert await stored_revocations(committed_db, user) == {
            jti_of(stolen): True,
            jti_of(other_device): True,
            jti_of(rotated): True,
        }
        for token in (rotated, other_device):
            after = await refresh(committed_client, token)
            assert after.status_code == 401, after.text


class TestConcurrentRefresh:
    async def test_two_refreshes_with_one_token_give_exactly_one_200(
        self,
        committed_client: httpx.AsyncClient,
        committed_db: async_sessionmaker[AsyncSession],
    ) -> None:
        user = await committed_user(committed_db)
        token = (await log_in(committed_client, user))["refresh_token"]
        # Both requests' sessions start together; neither waits at commit for the other, since
        # the loser's UPDATE waits on the winner's row lock (PostgreSQL) or write lock (SQLite).
        committed_db.class_ = racing_session_class(parties=2, meet_at_commit=False)

        responses = await asyncio.gather(
            refresh(committed_client, token), refresh(committed_client, token)
        )

        committed_db.class_ = AsyncSession
        assert sorted(r.status_code for r in responses) == [200, 401], [r.text for r in responses]
        winner, loser = sorted(responses, key=lambda r: r.status_code)
        assert loser.json() == INVALID_TOKEN
        # The loser showed a revoked token: reuse detection ends the winner's new token too
        # (docs/decisions.md); its access token lives on until it expires.
        assert await stored_revocations(committed_db, user) == {
            jti_of(token): True,
            jti_of(winner.json()["refresh_token"]): True,
        }
