"""The production read path, no override: prebuilt statements on the bare asyncpg connection
(PostgreSQL), a search's statements on a SQLAlchemy connection, the same answers either way,
and never the session dependency (its yield machinery cost ~50 µs a request for nothing).

With SQLite as the database both run on SQLAlchemy connections: the same assertions hold.
"""

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event, make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.books.models import Book
from app.core.config import Settings
from app.core.db import get_session
from app.main import create_app
from tests.factories import BookFactory, UserFactory, persist
from tests.fixtures.app import started_client
from tests.support.payloads.books import book_public


@pytest.fixture
def production_app(settings: Settings, database_url: str) -> Iterator[FastAPI]:
    application = create_app(settings.model_copy(update={"database_url": database_url}))
    yield application
    application.dependency_overrides.clear()


@pytest.fixture
async def production_client(production_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with started_client(production_app) as client:
        yield client


async def committed_books(
    committed_db: async_sessionmaker[AsyncSession], titles: list[str]
) -> list[Book]:
    async with committed_db() as session:
        owner = await persist(session, UserFactory)
        return [await persist(session, BookFactory, owner_id=owner.id, title=t) for t in titles]


async def test_a_page_and_its_total_come_from_committed_rows(
    committed_db: async_sessionmaker[AsyncSession], production_client: httpx.AsyncClient
) -> None:
    _, second, third = await committed_books(committed_db, ["Alpha", "Beta", "Gamma"])

    page = await production_client.get("/books", params={"limit": 2, "skip": 1})

    assert (page.status_code, page.json(), page.headers["X-Total-Count"]) == (
        200,
        [book_public(second), book_public(third)],
        "3",
    )


async def test_a_search_and_a_lookup_on_the_same_app_answer_alike(
    committed_db: async_sessionmaker[AsyncSession], production_client: httpx.AsyncClient
) -> None:
    """A search's statements take SQLAlchemy's way, the lookups the driver's, one pool."""
    alpha, beta = await committed_books(committed_db, ["Alpha", "Beta"])

    found = await production_client.get("/books", params={"q": "bet"})
    one = await production_client.get(f"/books/{alpha.id}")
    sorted_page = await production_client.get("/books", params={"sort": "-title"})

    assert (found.status_code, found.json(), found.headers["X-Total-Count"]) == (
        200,
        [book_public(beta)],
        "1",
    )
    assert (one.status_code, one.json()) == (200, book_public(alpha))
    assert (sorted_page.status_code, sorted_page.json()) == (
        200,
        [book_public(beta), book_public(alpha)],
    )


async def session_never_solved() -> AsyncSession:
    raise AssertionError("the read path solved the session dependency")


async def test_the_read_path_never_solves_the_session_dependency(
    committed_db: async_sessionmaker[AsyncSession],
    production_app: FastAPI,
    production_client: httpx.AsyncClient,
) -> None:
    (book,) = await committed_books(committed_db, ["Alpha"])
    production_app.dependency_overrides[get_session] = session_never_solved

    one = await production_client.get(f"/books/{book.id}")
    page = await production_client.get("/books", params={"q": "alp"})

    assert (one.status_code, one.json()) == (200, book_public(book))
    assert (page.status_code, page.json()) == (200, [book_public(book)])


async def test_prebuilt_reads_take_the_drivers_way_on_postgresql_and_keep_their_connection(
    committed_db: async_sessionmaker[AsyncSession],
    production_app: FastAPI,
    production_client: httpx.AsyncClient,
    database_url: str,
) -> None:
    """On PostgreSQL prebuilt reads (a lookup, the plain listing's total and page) run on the
    bare asyncpg connection, so SQLAlchemy's cursor never sees them; on SQLite it does. Either
    way the connection goes back to the pool whole: later requests open none."""
    (book,) = await committed_books(committed_db, ["Alpha"])
    warm = await production_client.get(f"/books/{book.id}")
    engine = production_app.state.read_engine.sync_engine
    statements: list[str] = []
    connects: list[object] = []

    def on_cursor(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", on_cursor)
    event.listen(engine.pool, "connect", lambda *args: connects.append(args[0]))
    later = [await production_client.get(f"/books/{book.id}") for _ in range(3)]
    later.append(await production_client.get("/books"))  # its total, then its page

    on_postgresql = make_url(database_url).get_backend_name() == "postgresql"
    assert [r.status_code for r in [warm, *later]] == [200] * 5
    assert len([s for s in statements if "FROM books" in s]) == (0 if on_postgresql else 5)
    assert connects == []
