"""The production layer's fixtures (tests/production/, issue 21): the bookstore exactly as
`create_app(settings)` builds it, with no dependency override at all, served by the kit's live
server (tests/fixtures/live.py: uvicorn in a thread of its own, its own loop, the lifespan on).

Its own engines, sessionmakers, read path, middleware, limiters and event bus come from the
settings: this worker's real database (`database_url`, whose rows really commit; `committed_db`
empties the tables after the server has stopped) and the test Redis (limiters and the event
bus), with a channel of its own per test. The app sits behind a trusted proxy (127.0.0.1) and
each test's client says it forwards for an address of its own, so the limiters' Redis counters,
shared by every worker, are the test's alone; its keys are deleted after it.

`rows_as_stored` reads every table back through `committed_db`'s engine, not through the app.
`rolled_back_client` is the kit's rolled-back client (the rolled-back session, the host's
`database_overrides`), made when the test asks rather than at set-up: on SQLite the kit's
transaction holds the write lock from its first statement, so it can only begin once the
deployed app has written.
"""

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.books.models import Book
from app.core.config import Settings
from app.main import create_app
from app.models import Base
from app.users.models import User
from tests.factories import BookFactory, UserFactory, persist
from tests.fixtures.app import (
    AppFactory,
    DatabaseOverrides,
    install_database_overrides,
    new_app,
    started_client,
)
from tests.fixtures.database import rolled_back_session
from tests.fixtures.live import serving
from tests.support.limits import TEST_REDIS_URL
from tests.support.live_server import WS_MAX_SIZE

LAYER = Path(__file__).parents[1] / "production"
PROXY = "127.0.0.1"
Rows = dict[str, list[dict[str, Any]]]
RolledBackClient = Callable[[], AbstractAsyncContextManager[httpx.AsyncClient]]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/production/ carries the `production` marker (pytest.ini)."""
    for item in items:
        if item.path.is_relative_to(LAYER):
            item.add_marker(pytest.mark.production)


@dataclass(frozen=True, slots=True)
class Deployed:
    """The app as production builds it, served on `url` (`http://127.0.0.1:<port>`)."""

    url: str
    app: FastAPI
    settings: Settings


@pytest.fixture
def client_address() -> str:
    """The address the test's client says it forwards for (X-Forwarded-For): its own, so the
    limiters' counters in the shared Redis are the test's alone."""
    number = uuid4().int
    return f"10.{number % 256}.{(number >> 8) % 256}.{(number >> 16) % 254 + 1}"


@pytest.fixture
async def redis_keys_removed(client_address: str) -> AsyncIterator[list[str]]:
    """Deletes, after the test, the Redis keys naming its client address or any word the test
    appends (an email its logins counted failures for)."""
    words = [client_address]
    yield words
    redis = Redis.from_url(TEST_REDIS_URL)
    try:
        for word in words:
            keys = [key async for key in redis.scan_iter(match=f"*{word}*")]
            if keys:
                await redis.delete(*keys)
    finally:
        await redis.aclose()


@pytest.fixture
def deployed_settings(
    settings: Settings,
    database_url: str,
    committed_db: async_sessionmaker[AsyncSession],
    redis_keys_removed: list[str],
) -> Settings:
    """The host's test settings (its secret key, upload directory, cheap Argon2) on this
    worker's real database and the test Redis, behind a trusted proxy, events on a channel of
    the test's own. `committed_db`, set up first, empties the tables after the server stops."""
    return settings.model_copy(
        update={
            "database_url": database_url,
            "redis_url": TEST_REDIS_URL,
            "events_channel": f"test:{uuid4().hex}",
            "trusted_proxies": [PROXY],
        }
    )


@pytest.fixture
def deployed(deployed_settings: Settings) -> Iterator[Deployed]:
    """`create_app(deployed_settings)`, untouched, under uvicorn until the test ends."""
    app = create_app(deployed_settings)
    with serving(app, ws_max_size=WS_MAX_SIZE) as server:
        yield Deployed(server.url, app, deployed_settings)


@pytest.fixture
async def deployed_client(
    deployed: Deployed, client_address: str
) -> AsyncIterator[httpx.AsyncClient]:
    """httpx over TCP to the deployed app, forwarded for the test's own client address."""
    async with httpx.AsyncClient(
        base_url=deployed.url, headers={"X-Forwarded-For": client_address}
    ) as client:
        yield client


async def rows_in(engine: AsyncEngine) -> Rows:
    """Every row of every table, in primary-key order, read on a connection of `engine`."""
    rows: Rows = {}
    async with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            result = await connection.execute(select(table).order_by(*table.primary_key))
            rows[table.name] = [dict(row) for row in result.mappings()]
    return rows


def changed_rows(before: Rows, after: Rows) -> dict[str, dict[int, Any]]:
    """Per table, by row id: the columns that changed (`{"stock": (5, 3)}`), or the whole row
    under "added" or "removed". Empty when every row is as it was."""
    changes: dict[str, dict[int, Any]] = {}
    for table in sorted(before.keys() | after.keys()):
        old = {row["id"]: row for row in before.get(table, [])}
        new = {row["id"]: row for row in after.get(table, [])}
        moved: dict[int, Any] = {}
        for key in sorted(old.keys() | new.keys()):
            if key not in new:
                moved[key] = {"removed": old[key]}
            elif key not in old:
                moved[key] = {"added": new[key]}
            elif old[key] != new[key]:
                moved[key] = {
                    column: (value, new[key][column])
                    for column, value in old[key].items()
                    if new[key][column] != value
                }
        if moved:
            changes[table] = moved
    return changes


@pytest.fixture
def rows_as_stored(
    committed_db: async_sessionmaker[AsyncSession],
) -> Callable[[], Any]:
    """`await rows_as_stored()`: every row of the database, read on `committed_db`'s engine."""
    engine = committed_db.kw["bind"]

    async def read() -> Rows:
        return await rows_in(engine)

    return read


@pytest.fixture
def rolled_back_client(
    db_engine: AsyncEngine,
    session_options: dict[str, Any],
    app_factory: AppFactory,
    database_overrides: DatabaseOverrides,
) -> RolledBackClient:
    """`async with rolled_back_client() as client`: the kit's `client`, begun now: the host's
    app (`app_factory`), every dependency of `database_overrides` on a rolled-back session."""

    @asynccontextmanager
    async def started() -> AsyncIterator[httpx.AsyncClient]:
        async with rolled_back_session(db_engine, session_options) as session:

            async def sessions() -> AsyncIterator[AsyncSession]:
                yield session

            application = new_app(app_factory)
            install_database_overrides(application, database_overrides(sessions))
            try:
                async with started_client(application) as client:
                    yield client
            finally:
                application.dependency_overrides.clear()

    return started


async def committed_user(maker: async_sessionmaker[AsyncSession], **fields: Any) -> User:
    """A user committed on `maker`; an email of its own unless given (Redis counts per email)."""
    fields.setdefault("email", f"{uuid4().hex}@example.com")
    async with maker() as session:
        user: User = await persist(session, UserFactory, **fields)
        return user


async def committed_book(
    maker: async_sessionmaker[AsyncSession], owner: User, **fields: Any
) -> Book:
    async with maker() as session:
        book: Book = await persist(session, BookFactory, owner_id=owner.id, **fields)
        return book
