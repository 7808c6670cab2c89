"""Registration as a lever on memory and CPU, against a live server (issue 15, finding 4).

Each registration costs an Argon2 hash: 64 MiB and about 0.2 s of CPU with production
parameters, asked for by anyone. A client gets a budget of registrations (REGISTER_RATE_LIMIT),
and a process runs at most MAX_CONCURRENT_HASHES hashes or verifies at once, whoever asks.
"""

import asyncio
from collections import Counter

import httpx
import pytest
from dirty_equals import IsInt
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth.rate_limit import RegistrationLimiter
from app.core import security
from app.core.config import Settings
from app.core.security import Passwords
from app.main import create_app
from tests.factories import TEST_PASSWORD, UserFactory, persist
from tests.support.eventually import eventually
from tests.support.held_passwords import HeldHashes
from tests.support.host import bearer_headers
from tests.support.live_server import Serve

# Bound a hang only: a request held for ever fails the test instead of stalling it.
REQUEST_DEADLINE_SECONDS = 60.0
NEW_PASSWORD = "a brand new passphrase"
CAP = 3
TOO_MANY = {"detail": "Too many registrations, try again later"}


def registration(n: int) -> dict[str, str]:
    return {"name": f"Reader {n}", "email": f"reader{n}@example.com", "password": NEW_PASSWORD}


def live_client(base_url: str, connections: int) -> httpx.AsyncClient:
    """A client with a connection per request of a burst, so the burst really is concurrent."""
    return httpx.AsyncClient(
        base_url=base_url,
        timeout=REQUEST_DEADLINE_SECONDS,
        limits=httpx.Limits(max_connections=connections),
    )


class TestRegistrationLimit:
    async def test_a_burst_from_one_client_past_its_budget_is_429(
        self,
        production_settings: Settings,
        live_registration_limiter: RegistrationLimiter,
        serve: Serve,
    ) -> None:
        """Every request of the burst comes from 127.0.0.1: the budget's worth are registered,
        the rest refused before anything is hashed. On memory and on Redis."""
        budget = live_registration_limiter.requests.amount
        app = create_app(production_settings)
        app.state.registration_limiter = live_registration_limiter
        base_url = serve(app)

        async with live_client(base_url, budget + 3) as client:
            responses = await asyncio.gather(
                *(client.post("/auth/register", json=registration(n)) for n in range(budget + 3))
            )

        assert Counter(r.status_code for r in responses) == {201: budget, 429: 3}
        refused = [
            {"body": r.json(), "retry_after": int(r.headers["Retry-After"])}
            for r in responses
            if r.status_code == 429
        ]
        # An hour's window: the oldest registration leaves it in at most 3600 s (plus one).
        assert refused == [{"body": TOO_MANY, "retry_after": IsInt(gt=0, le=3601)}] * 3


class TestConcurrentHashes:
    @pytest.fixture
    def held(self, monkeypatch: pytest.MonkeyPatch) -> HeldHashes:
        """The hasher every app built in this test gets, under its `Passwords`."""
        hasher = HeldHashes()
        monkeypatch.setattr(security, "password_hasher", lambda settings: hasher)
        return hasher

    async def test_twelve_registrations_at_once_hash_at_most_the_cap_at_a_time(
        self, production_settings: Settings, held: HeldHashes, serve: Serve
    ) -> None:
        app = create_app(
            production_settings.model_copy(
                update={"max_concurrent_hashes": CAP, "register_rate_limit": "100/hour"}
            )
        )
        passwords: Passwords = app.state.passwords
        base_url = serve(app)
        held.hold()

        async with live_client(base_url, 12) as client:
            burst = asyncio.gather(
                *(client.post("/auth/register", json=registration(n)) for n in range(12))
            )
            # Every hash let in is held, so once each request is hashing or waiting for a slot,
            # what is running is all that could get in at once.
            await eventually(
                lambda: held.running + passwords.waiting == 12, "12 hashing or waiting"
            )
            running = held.running
            held.release()
            responses = await burst

        assert (running, held.most) == (CAP, CAP)
        assert Counter(r.status_code for r in responses) == {201: 12}

    async def test_every_password_path_shares_the_cap(
        self,
        production_settings: Settings,
        committed_db: async_sessionmaker[AsyncSession],
        held: HeldHashes,
        serve: Serve,
    ) -> None:
        """Registration, /auth/login, /auth/token and a password change at once: one bound on
        the hashes and verifies of the process, not one per endpoint."""
        async with committed_db() as session:
            users = [await persist(session, UserFactory) for _ in range(6)]
        settings = production_settings.model_copy(update={"max_concurrent_hashes": CAP})
        app = create_app(settings)
        passwords: Passwords = app.state.passwords
        base_url = serve(app)
        held.hold()

        async with live_client(base_url, 12) as client:
            change = {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD}
            burst = asyncio.gather(
                *(client.post("/auth/register", json=registration(n)) for n in range(3)),
                *(
                    client.post("/auth/login", json={"email": u.email, "password": TEST_PASSWORD})
                    for u in users[:2]
                ),
                *(
                    client.post(
                        "/auth/token", data={"username": u.email, "password": TEST_PASSWORD}
                    )
                    for u in users[2:4]
                ),
                *(
                    client.patch("/users/me", json=change, headers=bearer_headers(settings, u))
                    for u in users[4:]
                ),
            )
            await eventually(lambda: held.running + passwords.waiting == 9, "9 hashing or waiting")
            running = held.running
            held.release()
            responses = await burst

        assert (running, held.most) == (CAP, CAP)
        assert [r.status_code for r in responses] == [201] * 3 + [200] * 6
