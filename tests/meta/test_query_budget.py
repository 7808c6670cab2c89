"""The kit's query budgets (tests/fixtures/queries.py, issue 18) count what a block sends: on the
test's session, in TestClient's thread, on a sync engine, and beneath SQLAlchemy on the read
path's asyncpg route; a block over budget fails listing its statements; a deliberately N+1
endpoint is caught."""

import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.books.models import Book
from app.core.db import SessionDep
from app.core.reads import Reads, get_reads
from app.users.models import User
from tests.factories import BookFactory, UserFactory, persist
from tests.fixtures import queries
from tests.fixtures.app import Overrides
from tests.fixtures.database import make_sync_engine
from tests.support.data import CreateBook

CountQueries = Callable[[], Any]
Budget = Callable[..., Any]


async def owners_one_by_one(session: SessionDep) -> list[str | None]:
    """A deliberate N+1: one statement for the books, then one per book for its owner."""
    books = (await session.scalars(select(Book).order_by(Book.id))).all()
    return [
        await session.scalar(select(User.email).where(User.id == book.owner_id)) for book in books
    ]


async def owners_joined(session: SessionDep) -> list[str]:
    """The same answer in one statement."""
    rows = await session.scalars(
        select(User.email).join(Book, Book.owner_id == User.id).order_by(Book.id)
    )
    return list(rows)


async def book_count(session: SessionDep) -> int | None:
    return await session.scalar(select(func.count()).select_from(Book))


def adding_books(db_session: AsyncSession, create_book: CreateBook) -> Callable[[int], Any]:
    async def add(count: int) -> None:
        for _ in range(count):
            await create_book()
        db_session.expunge_all()

    return add


class TestAssertMaxQueries:
    async def test_a_block_within_budget_passes_and_keeps_its_statements(
        self, db_session: AsyncSession, assert_max_queries: Budget
    ) -> None:
        connection = await db_session.connection()  # its SAVEPOINT before the block

        with assert_max_queries(2) as captured:
            await connection.execute(text("SELECT 1"))
            await connection.execute(text("SELECT 2"))

        assert captured.statements == ["SELECT 1", "SELECT 2"]

    async def test_a_block_over_budget_fails_listing_its_statements(
        self, db_session: AsyncSession, assert_max_queries: Budget
    ) -> None:
        connection = await db_session.connection()

        async def two_selects() -> None:
            with assert_max_queries(1, info="two selects"):
                await connection.execute(text("SELECT 1"))
                await connection.execute(text("SELECT 2 WHERE 2 = :n"), {"n": 2})

        with pytest.raises(pytest.fail.Exception) as failure:
            await two_selects()

        assert re.fullmatch(
            r"two selects: 2 statements, over the budget of 1:\n"
            r"  1\. SELECT 1\n"
            r"  2\. SELECT 2 WHERE 2 = (\?|\$1)  -- \(2,\)",  # SQLite's placeholder, or asyncpg's
            str(failure.value),
        ), str(failure.value)

    async def test_assert_num_queries_fails_on_fewer_statements_too(
        self, db_session: AsyncSession, assert_num_queries: Budget
    ) -> None:
        connection = await db_session.connection()

        def nothing() -> None:
            with assert_num_queries(1):
                pass

        with pytest.raises(pytest.fail.Exception, match=r"^0 statements, expected 1:\n  \(none\)$"):
            nothing()
        with assert_num_queries(1):
            await connection.execute(text("SELECT 1"))

    async def test_the_listener_is_gone_after_the_block_and_nested_blocks_both_count(
        self, db_session: AsyncSession, count_queries: CountQueries
    ) -> None:
        connection = await db_session.connection()

        with count_queries() as outer:
            await connection.execute(text("SELECT 1"))
            with count_queries() as inner:
                await connection.execute(text("SELECT 2"))
            queries.record_statement("SELECT 3 -- beneath SQLAlchemy")

        await connection.execute(text("SELECT 4"))
        queries.record_statement("SELECT 5 -- no block open")
        assert outer.statements == ["SELECT 1", "SELECT 2", "SELECT 3 -- beneath SQLAlchemy"]
        assert inner.statements == ["SELECT 2"]
        assert not event.contains(Engine, "before_cursor_execute", queries._on_cursor_execute)


def test_a_sync_session_is_counted_without_its_begin(count_queries: CountQueries) -> None:
    """sqlite3 under the kit's recipe sends BEGIN IMMEDIATE through the cursor; asyncpg and
    psycopg send BEGIN outside it: left out everywhere, one endpoint counts alike on both."""
    engine = make_sync_engine("sqlite://")
    try:
        with Session(engine) as session, count_queries() as captured:
            session.execute(text("SELECT 1"))
            session.commit()
    finally:
        engine.dispose()

    assert captured.statements == ["SELECT 1"]


def test_sync_client_requests_are_counted_in_testclients_thread(
    fresh_app: FastAPI, sync_client: TestClient, assert_num_queries: Budget
) -> None:
    fresh_app.add_api_route("/toy/count", book_count)

    with assert_num_queries(2) as captured:  # the session's SAVEPOINT, then the count
        response = sync_client.get("/toy/count")

    assert (response.status_code, response.json()) == (200, 0)
    assert captured.statements[0].startswith("SAVEPOINT")


class TestNPlusOne:
    async def test_a_deliberate_n_plus_one_endpoint_fails_listing_its_statements(
        self,
        app: FastAPI,
        client: httpx.AsyncClient,
        db_session: AsyncSession,
        create_book: CreateBook,
    ) -> None:
        app.add_api_route("/toy/owners", owners_one_by_one)

        async def run() -> httpx.Response:
            return await client.get("/toy/owners")

        with pytest.raises(pytest.fail.Exception) as failure:
            await queries.assert_no_n_plus_one(
                run, adding_books(db_session, create_book), info="GET /toy/owners"
            )

        lines = str(failure.value).splitlines()
        assert lines[0] == (
            "GET /toy/owners: 3 statements with 1 row(s), 22 with 20: "
            "the count grows with the rows (an N+1 query?)"
        )
        assert [line for line in lines if not line.startswith("  ")] == [
            lines[0],
            "with 1:",
            "with 20:",
        ]
        per_owner = [line for line in lines if "SELECT users.email" in line]
        assert len(per_owner) == 1 + 20

    async def test_the_same_answer_in_one_statement_passes(
        self,
        app: FastAPI,
        client: httpx.AsyncClient,
        db_session: AsyncSession,
        create_book: CreateBook,
    ) -> None:
        app.add_api_route("/toy/owners", owners_joined)

        async def run() -> httpx.Response:
            return await client.get("/toy/owners")

        runs = await queries.assert_no_n_plus_one(run, adding_books(db_session, create_book))

        assert (len(runs.first.json()), len(runs.second.json())) == (1, 20)
        assert (len(runs.few), len(runs.many)) == (2, 2)

    def test_the_sync_helper_catches_it_through_sync_client(
        self, fresh_app: FastAPI, sync_client: TestClient
    ) -> None:
        fresh_app.add_api_route("/toy/owners", owners_one_by_one)
        fresh_app.add_api_route("/toy/books", add_books, methods=["POST"])

        def add_rows(count: int) -> None:
            response = sync_client.post("/toy/books", params={"count": count})
            assert response.status_code == 200, response.text

        with pytest.raises(
            pytest.fail.Exception, match=r"3 statements with 1 row\(s\), 22 with 20"
        ):
            queries.assert_no_n_plus_one_sync(lambda: sync_client.get("/toy/owners"), add_rows)


async def add_books(session: SessionDep, count: int) -> None:
    """Rows for a sync_client test, made on its session in TestClient's loop."""
    for _ in range(count):
        owner = await persist(session, UserFactory)
        await persist(session, BookFactory, owner_id=owner.id)
    session.expunge_all()


class TestTheReadPath:
    async def test_a_book_by_id_is_two_statements_on_either_database(
        self, client: httpx.AsyncClient, create_book: CreateBook, assert_num_queries: Budget
    ) -> None:
        """On PostgreSQL the SELECT runs on the bare asyncpg connection: counted only because the
        host hands `record_statement` to the read path (tests/support/host.py)."""
        book = await create_book()

        with assert_num_queries(2) as captured:  # the session's SAVEPOINT, then the book
            response = await client.get(f"/books/{book.id}")

        assert response.status_code == 200, response.text
        assert captured.statements[1].lstrip().startswith("SELECT books.id")

    async def test_without_the_hook_the_asyncpg_route_is_invisible_to_sqlalchemys_events(
        self,
        client: httpx.AsyncClient,
        create_book: CreateBook,
        db_engine: AsyncEngine,
        override: Overrides,
        count_queries: CountQueries,
    ) -> None:
        if db_engine.dialect.driver != "asyncpg":
            pytest.skip("needs a PostgreSQL DATABASE_URL: only asyncpg takes the driver's route")

        async def reads_without_hook(session: SessionDep) -> Reads:
            return Reads.on_session(session)

        override(get_reads, reads_without_hook)
        book = await create_book()

        with count_queries() as captured:
            response = await client.get(f"/books/{book.id}")

        assert response.status_code == 200, response.text
        assert [statement.split()[0] for statement in captured.statements] == ["SAVEPOINT"]
