"""The tuned read path (`GET /books/{id}`, `GET /books`) stays inside the test's transaction.

It runs Core statements on a connection of its own in production, without the session
dependency; under the kit its own dependency (`get_reads`) is overridden onto the test's session:
it sees the test's own uncommitted and unflushed rows, never another transaction's, and fails
(not quietly using a real database) when nobody overrode it, even with the session overridden.
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.books import queries
from app.books.models import Book
from app.books.schemas import BookSort
from app.core import reads
from app.core.config import Settings
from app.core.db import get_session
from app.main import create_app
from tests.factories import BookFactory, UserFactory, persist
from tests.fixtures.app import started_client
from tests.fixtures.database import rolled_back_session
from tests.meta.support import outside_connection
from tests.support.data import CreateBook
from tests.support.host import unreachable_database_error
from tests.support.payloads.books import book_public


async def committed_book_count(database_url: str) -> int:
    async with outside_connection(database_url) as connection:
        return (await connection.execute(select(func.count()).select_from(Book))).scalar_one()


async def test_read_path_sees_the_tests_own_uncommitted_book(
    client: httpx.AsyncClient, create_book: CreateBook, database_url: str
) -> None:
    book = await create_book(title="Only in this transaction")

    one = await client.get(f"/books/{book.id}")
    page = await client.get("/books")

    assert (one.status_code, one.json()) == (200, book_public(book))
    assert (page.status_code, page.json()) == (200, [book_public(book)])
    assert page.headers["X-Total-Count"] == "1"
    assert await committed_book_count(database_url) == 0


async def test_read_path_sees_rows_the_test_has_not_flushed(
    client: httpx.AsyncClient, db_session: AsyncSession, create_book: CreateBook
) -> None:
    """A search too: the statements built per request take the same route as the prebuilt."""
    book = await create_book()
    book.title = "Renamed, pending in the session"

    found = await client.get("/books", params={"q": "pending in the session"})

    assert (found.status_code, found.json()) == (200, [book_public(book)])


async def test_read_path_does_not_see_another_tests_rows(
    client: httpx.AsyncClient,
    db_engine: AsyncEngine,
    session_options: dict[str, Any],
) -> None:
    """Another test's transaction, open at the same time on the same database, stays unseen."""
    if db_engine.dialect.name == "sqlite":
        pytest.skip(
            "needs a PostgreSQL DATABASE_URL: SQLite has one writer at a time, so a second open "
            "write transaction cannot exist beside the test's own"
        )
    async with rolled_back_session(db_engine, session_options) as other_test:
        owner = await persist(other_test, UserFactory)
        book = await persist(other_test, BookFactory, owner_id=owner.id)

        one = await client.get(f"/books/{book.id}")
        page = await client.get("/books")

    assert (one.status_code, one.json()) == (404, {"detail": "Book not found"})
    assert (page.status_code, page.json(), page.headers["X-Total-Count"]) == (200, [], "0")


async def test_prebuilt_statements_run_on_the_tests_asyncpg_connection_as_in_production(
    client: httpx.AsyncClient,
    create_book: CreateBook,
    db_engine: AsyncEngine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Under the kit the prebuilt statements take production's route, the bare asyncpg
    connection, here the test session's own, inside its transaction (issue 16, read path)."""
    if db_engine.dialect.driver != "asyncpg":
        pytest.skip(
            "needs a PostgreSQL DATABASE_URL: prebuilt statements take the asyncpg route only there"
        )
    on_driver = reads.on_driver
    ran: list[reads.Statement] = []

    async def recording(method: Any, statement: reads.Statement, params: reads.Params) -> Any:
        ran.append(statement)
        return await on_driver(method, statement, params)

    monkeypatch.setattr(reads, "on_driver", recording)
    book = await create_book(title="Only in this transaction")

    one = await client.get(f"/books/{book.id}")
    page = await client.get("/books", params={"sort": "title"})

    assert (one.status_code, one.json()) == (200, book_public(book))
    assert (page.status_code, page.json()) == (200, [book_public(book)])
    assert ran == [queries.BY_ID, queries.COUNT_ALL, queries.PAGE_ALL[BookSort.TITLE]]


async def kit_session_only(fresh_app: FastAPI, db_session: AsyncSession) -> None:
    """What a kit knowing only the session dependency would install: the read path is left out."""

    async def test_session() -> AsyncIterator[AsyncSession]:
        yield db_session

    fresh_app.dependency_overrides[get_session] = test_session


async def no_override(fresh_app: FastAPI, db_session: AsyncSession) -> None:
    return None


@pytest.mark.parametrize(
    "forget",
    [
        pytest.param(no_override, id="nothing_overridden"),
        pytest.param(kit_session_only, id="only_the_session_overridden"),
    ],
)
async def test_a_forgotten_read_override_fails_instead_of_using_a_real_database(
    fresh_app: FastAPI,
    db_session: AsyncSession,
    database_url: str,
    forget: Callable[[FastAPI, AsyncSession], Awaitable[None]],
) -> None:
    """`get_reads` is not overridden: the app's own database does not exist, so reads fail."""
    await forget(fresh_app, db_session)
    async with started_client(fresh_app) as client:
        with pytest.raises(DBAPIError) as failed:
            await client.get("/books/1")

    assert unreachable_database_error(database_url) in str(failed.value)


@pytest.fixture
async def production_client(
    settings: Settings, database_url: str
) -> AsyncIterator[httpx.AsyncClient]:
    """The app on a real database with no override: the path production takes."""
    application = create_app(settings.model_copy(update={"database_url": database_url}))
    async with started_client(application) as client:
        yield client


async def test_without_override_the_read_path_answers_from_committed_rows(
    committed_db: async_sessionmaker[AsyncSession], production_client: httpx.AsyncClient
) -> None:
    """The app's own engine (autocommit reads on PostgreSQL): the same answers as under the kit."""
    async with committed_db() as session:
        owner = await persist(session, UserFactory)
        book = await persist(session, BookFactory, owner_id=owner.id)

    one = await production_client.get(f"/books/{book.id}")
    page = await production_client.get("/books", params={"limit": 1, "q": book.title})
    missing = await production_client.get(f"/books/{book.id + 1}")

    assert (one.status_code, one.json()) == (200, book_public(book))
    assert (page.status_code, page.json(), page.headers["X-Total-Count"]) == (
        200,
        [book_public(book)],
        "1",
    )
    assert (missing.status_code, missing.json()) == (404, {"detail": "Book not found"})
