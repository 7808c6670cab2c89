"""The per-test transaction: the app's commit() and rollback() stay inside the test."""

from typing import Any

import httpx
import pytest
from dirty_equals import IsInt
from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from starlette.testclient import TestClient

from app.books.models import Book
from app.core.config import Settings
from app.users.models import User
from tests.factories import TEST_PASSWORD, UserFactory
from tests.fixtures.database import rolled_back_session
from tests.meta.support import committed_emails
from tests.support.data import CreateBook, CreateUser
from tests.support.host import bearer_headers

EMAIL = "isolated@example.com"
REGISTRATION = {"name": "Isolated", "email": EMAIL, "password": TEST_PASSWORD}
DUNE_ISBN = "9780441013593"


def book_body(isbn: str) -> dict[str, str | float]:
    return {"title": "Dune", "author": "Frank Herbert", "isbn": isbn, "price": 9.99}


async def isbns(session: AsyncSession) -> list[str]:
    return list(await session.scalars(select(Book.isbn).order_by(Book.isbn)))


async def test_app_commit_is_seen_inside_the_test_and_not_outside(
    client: httpx.AsyncClient, db_session: AsyncSession, database_url: str
) -> None:
    response = await client.post("/auth/register", json=REGISTRATION)

    assert response.status_code == 201, response.text
    assert list(await db_session.scalars(select(User.email))) == [EMAIL]
    assert await committed_emails(database_url) == []


def test_sync_client_commit_is_seen_inside_the_test_and_not_outside(
    sync_client: TestClient, database_url: str
) -> None:
    first = sync_client.post("/auth/register", json=REGISTRATION)
    again = sync_client.post("/auth/register", json=REGISTRATION)

    assert first.status_code == 201, first.text
    assert (again.status_code, again.json()) == (409, {"detail": "Email already registered"})
    portal = sync_client.portal
    assert portal is not None
    assert portal.call(committed_emails, database_url) == []


async def test_rollback_after_integrity_error_keeps_the_tests_earlier_rows(
    client: httpx.AsyncClient,
    db_session: AsyncSession,
    create_user: CreateUser,
    create_book: CreateBook,
    settings: Settings,
) -> None:
    """The factories' rows survive the app's rollback, and the session still works after it.

    `persist` commits, which under `create_savepoint` only releases a SAVEPOINT: the app's
    rollback then goes back to the savepoint after the test's rows, not to the test's start.
    """
    owner = await create_user()
    book = await create_book(owner=owner)
    headers = bearer_headers(settings, owner)
    isbn = book.isbn  # the app's rollback expires every object in the shared session

    duplicate = await client.post("/books", json=book_body(isbn), headers=headers)
    assert duplicate.status_code == 409, duplicate.text
    assert duplicate.json() == {"detail": f"Book with ISBN {isbn} already exists"}
    assert await isbns(db_session) == [isbn]

    later = await client.post("/books", json=book_body(DUNE_ISBN), headers=headers)
    assert later.status_code == 201, later.text
    assert await isbns(db_session) == sorted([isbn, DUNE_ISBN])


@pytest.mark.parametrize(
    "attempt", [pytest.param(1, id="first_writer"), pytest.param(2, id="second_writer")]
)
async def test_every_test_starts_from_an_empty_users_table(
    client: httpx.AsyncClient, db_session: AsyncSession, attempt: int
) -> None:
    """Both cases register the same email: whichever runs second would get 409 on a leak."""
    name = f"Attempt {attempt}"

    response = await client.post("/auth/register", json={**REGISTRATION, "name": name})

    assert response.status_code == 201, response.text
    rows = await db_session.execute(select(User.email, User.name))
    assert [tuple(row) for row in rows] == [(EMAIL, name)]


async def test_session_options_keep_objects_readable_after_an_app_commit(
    db_engine: AsyncEngine, session_options: dict[str, Any]
) -> None:
    """With SQLAlchemy's default `expire_on_commit=True` every object is expired by the app's
    commit, and reading it for the response needs IO outside the greenlet (MissingGreenlet).
    The kit's session takes the app's options instead."""
    async with rolled_back_session(db_engine, {}) as default_session:
        expired = UserFactory.build(email="expired@example.com")
        default_session.add(expired)
        await default_session.commit()
        assert inspect(expired).expired is True

    async with rolled_back_session(db_engine, session_options) as kit_session:
        kept = UserFactory.build(email="kept@example.com")
        kit_session.add(kept)
        await kit_session.commit()
        assert (inspect(kept).expired, kept.email, kept.id) == (
            False,
            "kept@example.com",
            IsInt(gt=0),
        )
