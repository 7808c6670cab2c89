"""Login limits on the limiter backend the settings name (Redis), and refresh-token rotation
with reuse detection, on the app's own sessions (issue 21)."""

from uuid import uuid4

import httpx
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth.rate_limit import DEFAULT_KEY_PREFIX
from tests.factories import TEST_PASSWORD
from tests.support.limits import TEST_REDIS_URL
from tests.support.production import Deployed, committed_user

INVALID_CREDENTIALS = {"detail": "Invalid email or password"}
INVALID_TOKEN = {"detail": "Invalid token"}


async def keys_naming(word: str) -> list[str]:
    redis = Redis.from_url(TEST_REDIS_URL, decode_responses=True)
    try:
        return sorted([key async for key in redis.scan_iter(match=f"*{word}*")])
    finally:
        await redis.aclose()


async def test_failed_logins_past_the_limit_answer_429_counted_in_redis(
    committed_db: async_sessionmaker[AsyncSession],
    deployed: Deployed,
    deployed_client: httpx.AsyncClient,
    client_address: str,
    redis_keys_removed: list[str],
) -> None:
    email = f"{uuid4().hex}@example.com"
    redis_keys_removed.append(email)
    await committed_user(committed_db, email=email)
    wrong = {"email": email, "password": "not the password"}
    allowed = int(deployed.settings.login_failures_limit.split()[0])

    failures = [await deployed_client.post("/auth/login", json=wrong) for _ in range(allowed)]
    refused = await deployed_client.post(
        "/auth/login", json={"email": email, "password": TEST_PASSWORD}
    )

    assert [(r.status_code, r.json()) for r in failures] == [(401, INVALID_CREDENTIALS)] * allowed
    assert (refused.status_code, refused.json()) == (
        429,
        {"detail": "Too many login attempts, try again later"},
    )
    assert await keys_naming(email) == [f"{DEFAULT_KEY_PREFIX}:LIMITER/email/{email}/5/15/minute"]
    assert await keys_naming(client_address) == [
        f"{DEFAULT_KEY_PREFIX}:LIMITER/client/{client_address}/20/1/minute"
    ]


async def test_a_refresh_token_rotates_once_and_its_reuse_revokes_the_new_one(
    committed_db: async_sessionmaker[AsyncSession],
    deployed_client: httpx.AsyncClient,
    redis_keys_removed: list[str],
) -> None:
    user = await committed_user(committed_db)
    redis_keys_removed.append(user.email)
    login = await deployed_client.post(
        "/auth/login", json={"email": user.email, "password": TEST_PASSWORD}
    )
    first = login.json()["refresh_token"]

    rotated = await deployed_client.post("/auth/refresh", json={"refresh_token": first})
    reused = await deployed_client.post("/auth/refresh", json={"refresh_token": first})
    after_reuse = await deployed_client.post(
        "/auth/refresh", json={"refresh_token": rotated.json()["refresh_token"]}
    )

    assert (login.status_code, rotated.status_code) == (200, 200), rotated.text
    assert rotated.json()["refresh_token"] != first
    assert (reused.status_code, reused.json()) == (401, INVALID_TOKEN)
    assert (after_reuse.status_code, after_reuse.json()) == (401, INVALID_TOKEN)
