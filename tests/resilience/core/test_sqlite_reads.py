"""On SQLite, reads answer while another connection holds the one write lock (issue 15).

A transaction that only reads begins DEFERRED (app/core/db.py): the read path, and the user
lookup behind every bearer token, take a shared lock, which a writer's RESERVED lock allows.
Begun IMMEDIATE they would wait for the writer, then fail "database is locked" (a 500).
"""

import sqlite3
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.books.models import Book
from app.core.config import Settings
from app.main import create_app
from app.users.models import User
from tests.factories import BookFactory, UserFactory, persist
from tests.support.host import bearer_headers
from tests.support.live_server import Serve
from tests.support.payloads.books import book_public
from tests.support.payloads.users import user_public

# Bounds a hang only.
REQUEST_DEADLINE_SECONDS = 30.0


@pytest.fixture
def sqlite_path(database_url: str) -> str:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        pytest.skip("needs a SQLite DATABASE_URL: PostgreSQL has no database-wide write lock")
    return url.database or ""


@pytest.fixture
async def owner_and_book(committed_db: async_sessionmaker[AsyncSession]) -> tuple[User, Book]:
    async with committed_db() as session:
        owner: User = await persist(session, UserFactory)
        book: Book = await persist(session, BookFactory, owner_id=owner.id, title="Dune")
        return owner, book


@pytest.fixture
def write_lock_held(sqlite_path: str) -> Iterator[None]:
    """Another connection in a write transaction (BEGIN IMMEDIATE) for the whole test."""
    connection = sqlite3.connect(sqlite_path, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        yield
        connection.execute("ROLLBACK")
    finally:
        connection.close()


async def test_reads_answer_while_a_writer_holds_the_lock(
    production_settings: Settings,
    serve: Serve,
    owner_and_book: tuple[User, Book],
    write_lock_held: None,
) -> None:
    owner, book = owner_and_book
    base_url = serve(create_app(production_settings))

    async with httpx.AsyncClient(base_url=base_url, timeout=REQUEST_DEADLINE_SECONDS) as client:
        one = await client.get(f"/books/{book.id}")
        found = await client.get("/books", params={"q": "dune"})
        me = await client.get("/users/me", headers=bearer_headers(production_settings, owner))

    assert (one.status_code, one.json()) == (200, book_public(book)), one.text
    assert (found.status_code, found.json()) == (200, [book_public(book)]), found.text
    assert (me.status_code, me.json()) == (200, user_public(owner)), me.text
