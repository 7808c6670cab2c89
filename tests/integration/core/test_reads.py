"""The read path as production wires it: `get_reads` not overridden, so each read takes a pooled
connection of the app's own read engine and gives it back before the response (app/core/reads.py).
Everywhere else the kit overrides `get_reads` with the test's session."""

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from pydantic import SecretStr
from sqlalchemy import bindparam, make_url, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.pool import QueuePool

from app.books.models import Book
from app.core.config import Settings
from app.core.reads import Prebuilt, Reads
from app.main import create_app
from app.migrations import upgrade_to_head
from tests.factories import BookFactory, UserFactory, persist
from tests.fixtures.app import BASE_URL
from tests.support.payloads.books import DUNE
from tests.support.tokens import bearer

ADMIN = {"email": "boss@example.com", "password": "read path admin password"}


@pytest.fixture
async def own_database_url(tmp_path: Path) -> str:
    """A migrated SQLite file of the test's own: the app writes through its own engine."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'reads.sqlite3'}"
    await asyncio.to_thread(upgrade_to_head, url)
    return url


async def test_book_reads_run_on_the_apps_read_engine_and_give_its_connection_back(
    settings: Settings, own_database_url: str
) -> None:
    app = create_app(
        settings.model_copy(
            update={
                "database_url": own_database_url,
                "admin_email": ADMIN["email"],
                "admin_password": SecretStr(ADMIN["password"]),
            }
        )
    )
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url=BASE_URL
        ) as client,
    ):
        login = await client.post("/auth/login", json=ADMIN)
        assert login.status_code == 200, login.text
        created = await client.post(
            "/books", json=DUNE, headers=bearer(login.json()["access_token"])
        )
        assert created.status_code == 201, created.text
        one = await client.get(f"/books/{created.json()['id']}")
        page = await client.get("/books")
        pool = app.state.read_engine.pool
        assert isinstance(pool, QueuePool)
        checked_out = pool.checkedout()

    assert (one.status_code, one.json()) == (200, created.json())
    assert (page.status_code, page.json(), page.headers["X-Total-Count"]) == (
        200,
        [created.json()],
        "1",
    )
    assert checked_out == 0


async def test_a_read_pool_that_cannot_connect_raises_sqlalchemys_error(
    settings: Settings,
) -> None:
    """On asyncpg the read path checks out the driver's own connection, not SQLAlchemy's
    (app/core/reads.py `_checked_out`): failing to connect is still SQLAlchemy's DBAPIError,
    the driver's error kept as its `orig`, as `engine.connect()` would raise it."""
    if not settings.database_url.startswith("postgresql+asyncpg"):
        pytest.skip("needs PostgreSQL: only there the read path checks out asyncpg's connection")
    url = make_url(settings.database_url).set(database="bookstore_reads_no_such_database")
    engine = create_async_engine(url)
    try:
        async with Reads.on_engine(engine).connection() as db:
            with pytest.raises(DBAPIError) as raised:
                await db.first(Prebuilt.of(select(Book.id)), {})
    finally:
        await engine.dispose()

    assert type(raised.value) is DBAPIError
    assert isinstance(raised.value.orig, engine.dialect.loaded_dbapi.Error)
    assert "bookstore_reads_no_such_database" in str(raised.value.orig)


async def test_the_tests_read_path_runs_prebuilt_reads_the_way_production_runs_them(
    db_session: AsyncSession,
) -> None:
    """On the test's session (`Reads.on_session`, the kit's read path) a prebuilt read takes
    the driver's route on asyncpg, as production's does, inside the session's transaction:
    the hook sees its SQL with asyncpg's `$n` parameters, and it finds the row the session has
    not flushed yet. On SQLite it runs on the session, and the hook sees nothing."""
    owner = await persist(db_session, UserFactory)
    book = BookFactory.build(owner_id=owner.id, title="Read before the flush")
    db_session.add(book)
    by_title = Prebuilt.of(select(Book.id).where(Book.title == bindparam("title")))
    seen: list[tuple[str, list[object]]] = []

    def record(sql: str, arguments: Sequence[Any]) -> None:
        seen.append((sql, list(arguments)))

    reads = Reads.on_session(db_session, on_driver_statement=record)
    async with reads.connection() as db:
        row = await db.first(by_title, {"title": book.title})

    assert row is not None
    assert row["id"] == book.id
    on_asyncpg = db_session.get_bind().dialect.driver == "asyncpg"
    assert seen == ([(by_title.sql, [book.title])] if on_asyncpg else [])
