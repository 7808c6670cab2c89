"""Readiness checks: each answers "ok", "disabled" or "unavailable"."""

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

REDIS_TIMEOUT_SECONDS = 2.0


async def database(session: AsyncSession) -> str:
    try:
        await session.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError):
        return "unavailable"
    return "ok"


async def redis(url: str | None) -> str:
    if url is None:
        return "disabled"
    client = Redis.from_url(
        url,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
    )
    try:
        await client.ping()
    except (RedisError, OSError):
        return "unavailable"
    finally:
        await client.aclose()
    return "ok"
