"""Rate-limit fixtures: the test's app gets a limiter on memory or on Redis, counters never shared.

`login_limiter` and `registration_limiter` (and `live_login_limiter`, `live_registration_limiter`
for a live server's app) are parametrized (`memory`, `redis`): a test that asks for one runs on
both storages. On Redis every test has its own key prefix, so xdist workers and tests never see
each other's counters, and its keys are deleted afterwards. `TEST_REDIS_URL` points it
elsewhere than the local Redis.
"""

import os
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from uuid import uuid4

import httpx
import pytest
from fastapi import FastAPI
from redis.asyncio import Redis
from starlette.types import ASGIApp

from app.auth.rate_limit import (
    LoginLimiter,
    RegistrationLimiter,
    build_login_limiter,
    build_registration_limiter,
)
from app.core.config import Settings
from tests.fixtures.app import BASE_URL

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

ClientAt = Callable[[str], httpx.AsyncClient]


@pytest.fixture
def trusted_proxies() -> list[str]:
    """TRUSTED_PROXIES for the test's limiter; parametrize it to put proxies in front."""
    return []


@pytest.fixture(params=[pytest.param(None, id="memory"), pytest.param(TEST_REDIS_URL, id="redis")])
def limiter_redis_url(request: pytest.FixtureRequest) -> str | None:
    """REDIS_URL for the test's limiter: None (memory storage) or the test Redis."""
    url: str | None = request.param
    return url


@asynccontextmanager
async def own_login_limiter(
    settings: Settings, redis_url: str | None, trusted_proxies: list[str]
) -> AsyncIterator[LoginLimiter]:
    """A limiter on memory or on `redis_url`, with a key prefix of its own deleted afterwards."""
    prefix = f"test:{uuid4().hex}"
    limiter_settings = settings.model_copy(
        update={"redis_url": redis_url, "trusted_proxies": trusted_proxies}
    )
    limiter = build_login_limiter(limiter_settings, key_prefix=prefix)
    try:
        yield limiter
    finally:
        await limiter.close()
        if redis_url is not None:
            await _delete_keys(redis_url, f"{prefix}:*")


@pytest.fixture
async def login_limiter(
    fresh_app: FastAPI,
    settings: Settings,
    limiter_redis_url: str | None,
    trusted_proxies: list[str],
) -> AsyncIterator[LoginLimiter]:
    """The test app's login limiter, on the parametrized storage, with a prefix of its own."""
    async with own_login_limiter(settings, limiter_redis_url, trusted_proxies) as limiter:
        replaced: LoginLimiter = fresh_app.state.login_limiter
        fresh_app.state.login_limiter = limiter
        await replaced.close()
        yield limiter


@pytest.fixture
async def live_login_limiter(
    settings: Settings, limiter_redis_url: str | None, trusted_proxies: list[str]
) -> AsyncIterator[LoginLimiter]:
    """A login limiter on the parametrized storage for an app the test builds and serves itself
    (tests/resilience): put it in `app.state.login_limiter` before serving. The app's lifespan
    closes it in the server's loop; its keys are deleted after the test."""
    async with own_login_limiter(settings, limiter_redis_url, trusted_proxies) as limiter:
        yield limiter


@asynccontextmanager
async def own_registration_limiter(
    settings: Settings, redis_url: str | None
) -> AsyncIterator[RegistrationLimiter]:
    """A registration limiter (the default REGISTER_RATE_LIMIT) on memory or on `redis_url`,
    with a key prefix of its own deleted afterwards."""
    prefix = f"test:{uuid4().hex}"
    limiter_settings = settings.model_copy(update={"redis_url": redis_url})
    limiter = build_registration_limiter(limiter_settings, key_prefix=prefix)
    try:
        yield limiter
    finally:
        await limiter.close()
        if redis_url is not None:
            await _delete_keys(redis_url, f"{prefix}:*")


@pytest.fixture
async def registration_limiter(
    fresh_app: FastAPI, settings: Settings, limiter_redis_url: str | None
) -> AsyncIterator[RegistrationLimiter]:
    """The test app's registration limiter, on the parametrized storage, like `login_limiter`."""
    async with own_registration_limiter(settings, limiter_redis_url) as limiter:
        replaced: RegistrationLimiter = fresh_app.state.registration_limiter
        fresh_app.state.registration_limiter = limiter
        await replaced.close()
        yield limiter


@pytest.fixture
async def live_registration_limiter(
    settings: Settings, limiter_redis_url: str | None
) -> AsyncIterator[RegistrationLimiter]:
    """A registration limiter on the parametrized storage for `app.state.registration_limiter`
    of a served app, like `live_login_limiter`."""
    async with own_registration_limiter(settings, limiter_redis_url) as limiter:
        yield limiter


async def _delete_keys(url: str, pattern: str) -> None:
    redis = Redis.from_url(url)
    try:
        keys = [key async for key in redis.scan_iter(match=pattern)]
        if keys:
            await redis.delete(*keys)
    finally:
        await redis.aclose()


@pytest.fixture
async def client_at(running_app: ASGIApp) -> AsyncIterator[ClientAt]:
    """`client_at("203.0.113.7")`: an httpx client on the test's app whose peer is that address."""
    async with AsyncExitStack() as stack:

        def make(host: str) -> httpx.AsyncClient:
            transport = httpx.ASGITransport(app=running_app, client=(host, 50000))
            client = httpx.AsyncClient(transport=transport, base_url=BASE_URL)
            stack.push_async_callback(client.aclose)
            return client

        yield make
