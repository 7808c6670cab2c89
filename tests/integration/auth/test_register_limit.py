"""Registrations per client (API.md, /auth/register; REGISTER_RATE_LIMIT, "10 per hour" by
default): each costs an Argon2 hash, so a client gets a budget of them.

Every test runs on memory and on Redis storage (`registration_limiter` is parametrized). Time is
frozen (`tick=False`) and moved, never slept. The bursts against a live server are in
tests/resilience/auth/test_register.py.
"""

from datetime import UTC, datetime
from uuid import uuid4

import httpx
import pytest
import time_machine
from redis.asyncio import Redis

from app.auth.rate_limit import REGISTRATION_KEY_PREFIX, build_registration_limiter
from app.core.config import Settings
from tests.support.limits import TEST_REDIS_URL, ClientAt

pytestmark = pytest.mark.usefixtures("registration_limiter")

START = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)
BUDGET = 10
TOO_MANY = {"detail": "Too many registrations, try again later"}


async def register(client: httpx.AsyncClient, n: int) -> httpx.Response:
    body = {"name": f"Reader {n}", "email": f"reader{n}@example.com", "password": "a passphrase"}
    return await client.post("/auth/register", json=body)


async def register_many(client: httpx.AsyncClient, numbers: range) -> list[int]:
    return [(await register(client, n)).status_code for n in numbers]


class TestRegistrationsPerClient:
    async def test_past_the_budget_is_429_until_the_first_leaves_the_window(
        self, client_at: ClientAt, time_machine: time_machine.TimeMachineFixture
    ) -> None:
        client = client_at("198.51.100.7")
        time_machine.move_to(START, tick=False)
        statuses = await register_many(client, range(BUDGET))
        time_machine.shift(600)

        response = await register(client, BUDGET)

        assert statuses == [201] * BUDGET
        assert response.status_code == 429, response.text
        assert response.json() == TOO_MANY
        # The first registration (at START) leaves the hour's window 3000 s from now; one more
        # second so that the retry lands after it on either storage.
        assert response.headers["Retry-After"] == "3001"

    async def test_in_the_windows_last_second_retry_after_is_one_second_and_holds(
        self, client_at: ClientAt, time_machine: time_machine.TimeMachineFixture
    ) -> None:
        client = client_at("198.51.100.7")
        time_machine.move_to(START, tick=False)
        assert await register_many(client, range(BUDGET)) == [201] * BUDGET
        time_machine.shift(3599.5)
        almost = await register(client, BUDGET)
        time_machine.shift(int(almost.headers["Retry-After"]))

        response = await register(client, BUDGET + 1)

        assert (almost.status_code, almost.headers["Retry-After"]) == (429, "1")
        assert response.status_code == 201, response.text

    async def test_another_client_address_is_unaffected(self, client_at: ClientAt) -> None:
        busy, other = client_at("198.51.100.7"), client_at("198.51.100.8")
        statuses = await register_many(busy, range(BUDGET + 1))

        response = await register(other, BUDGET + 1)

        assert statuses == [201] * BUDGET + [429]
        assert response.status_code == 201, response.text


async def test_the_apps_limiter_keeps_its_counters_under_its_own_prefix_in_redis(
    settings: Settings,
) -> None:
    """On Redis, registrations are counted under `bookstore:register:` (docs/decisions.md),
    apart from the login limiter's keys; the fixtures above give each test a prefix of its own,
    so this builds the app's limiter as the app does."""
    client_key = f"client-{uuid4().hex}"
    limiter = build_registration_limiter(settings.model_copy(update={"redis_url": TEST_REDIS_URL}))
    redis = Redis.from_url(TEST_REDIS_URL, decode_responses=True)
    try:
        await limiter.admit(client_key)
        keys = [key async for key in redis.scan_iter(match=f"*{client_key}*")]
        assert keys == [f"{REGISTRATION_KEY_PREFIX}:LIMITER/client/{client_key}/10/1/hour"]
    finally:
        await limiter.close()
        if written := [key async for key in redis.scan_iter(match=f"*{client_key}*")]:
            await redis.delete(*written)
        await redis.aclose()
