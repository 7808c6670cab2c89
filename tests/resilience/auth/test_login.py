"""Bursts of concurrent logins against a live server (issue 15, findings 2 and 5).

Every password check is held until each request of the burst is checking or answered
(`HeldVerifies`): the burst overlaps completely every time, as if Argon2 were slow, without
relying on a clock.
"""

import asyncio
from collections import Counter

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth.rate_limit import LoginLimiter
from app.core.config import Settings
from app.main import create_app
from app.users.models import User
from tests.factories import TEST_PASSWORD, UserFactory, persist
from tests.support.held_passwords import HeldVerifies, HookedPasswords
from tests.support.live_server import Serve

# Bounds a hang only: a request held for ever fails the test instead of stalling it.
REQUEST_DEADLINE_SECONDS = 60.0
TOO_MANY = {"detail": "Too many login attempts, try again later"}


async def committed_users(committed_db: async_sessionmaker[AsyncSession], count: int) -> list[User]:
    async with committed_db() as session:
        return [await persist(session, UserFactory) for _ in range(count)]


async def log_in(base_url: str, logins: list[tuple[str, str]]) -> list[httpx.Response]:
    """The logins all at once, each on a connection of its own; answers in the given order."""
    limits = httpx.Limits(max_connections=len(logins))
    async with httpx.AsyncClient(
        base_url=base_url, timeout=REQUEST_DEADLINE_SECONDS, limits=limits
    ) as client:
        return await asyncio.gather(
            *(
                client.post("/auth/login", json={"email": email, "password": password})
                for email, password in logins
            )
        )


class TestConcurrentLogins:
    async def test_thirty_logins_at_once_all_get_their_tokens(
        self,
        production_settings: Settings,
        committed_db: async_sessionmaker[AsyncSession],
        serve: Serve,
    ) -> None:
        """SQLite: no request holds the write lock while its password is checked, so none
        waits for it past the busy timeout ("database is locked", a 500). PostgreSQL: none
        holds a pooled connection meanwhile, so none waits past the pool's timeout."""
        users = await committed_users(committed_db, 30)
        # Every request comes from 127.0.0.1: the per-client limit is not what is tested here.
        app = create_app(production_settings.model_copy(update={"login_rate_limit": "100/minute"}))
        held = HeldVerifies(parties=len(users))
        app.state.passwords = HookedPasswords(app.state.passwords, held.hold)
        base_url = serve(held.app(app))

        responses = await log_in(base_url, [(user.email, TEST_PASSWORD) for user in users])

        statuses = Counter(response.status_code for response in responses)
        assert (statuses, held.verifies) == ({200: 30}, 30), [r.text for r in responses]


class TestLockoutUnderConcurrency:
    async def test_concurrent_wrong_guesses_check_at_most_the_limit_then_the_password_is_429(
        self,
        production_settings: Settings,
        committed_db: async_sessionmaker[AsyncSession],
        live_login_limiter: LoginLimiter,
        serve: Serve,
    ) -> None:
        """Each attempt is counted before its password is checked: of 18 guesses at once, the
        failure limit's 5 are checked (401) and the rest refused (429); the lock then holds
        for the right password too. On memory and on Redis."""
        (user,) = await committed_users(committed_db, 1)
        app = create_app(production_settings)
        app.state.login_limiter = live_login_limiter
        held = HeldVerifies(parties=18)
        app.state.passwords = HookedPasswords(app.state.passwords, held.hold)
        base_url = serve(held.app(app))

        guesses = await log_in(base_url, [(user.email, f"wrong guess {n}") for n in range(18)])
        (right,) = await log_in(base_url, [(user.email, TEST_PASSWORD)])

        statuses = Counter(response.status_code for response in guesses)
        assert (statuses, held.verifies) == ({401: 5, 429: 13}, 5)
        assert (right.status_code, right.json()) == (429, TOO_MANY)

    async def test_right_passwords_at_once_beyond_the_limit_are_429_and_all_given_back(
        self,
        production_settings: Settings,
        committed_db: async_sessionmaker[AsyncSession],
        live_login_limiter: LoginLimiter,
        serve: Serve,
    ) -> None:
        """The cost of counting first (docs/decisions.md): while five checks of one email are
        in flight a sixth is refused, whatever its password. Each success gives its attempt
        back, so afterwards the email has its whole budget again: five failures, then 429."""
        (user,) = await committed_users(committed_db, 1)
        app = create_app(production_settings)
        app.state.login_limiter = live_login_limiter
        held = HeldVerifies(parties=6)
        app.state.passwords = HookedPasswords(app.state.passwords, held.hold)
        base_url = serve(held.app(app))

        burst = await log_in(base_url, [(user.email, TEST_PASSWORD)] * 6)
        after = [
            (await log_in(base_url, [(user.email, password)]))[0].status_code
            for password in [TEST_PASSWORD] + ["wrong guess"] * 6
        ]

        assert Counter(response.status_code for response in burst) == {200: 5, 429: 1}
        assert after == [200] + [401] * 5 + [429]
