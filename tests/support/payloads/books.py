"""Request bodies, expected JSON and arranged books for the Books router tests; rows read back."""

from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from dirty_equals import IsNow, IsStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.books.models import Book
from app.users.models import User
from tests.factories import BookFactory, UserFactory, persist
from tests.support.data import CreateBook, CreateUser

# Dune, first Ace paperback: a real ISBN-13 with a right check digit.
DUNE_ISBN = "9780441013593"
DUNE_ISBN_HYPHENATED = "978-0-441-01359-3"
# Another valid ISBN-13 (The Left Hand of Darkness).
OTHER_ISBN = "9780441478125"

DUNE: dict[str, Any] = {
    "title": "Dune",
    "author": "Frank Herbert",
    "isbn": DUNE_ISBN,
    "price": 9.99,
    "description": "Spice and sand.",
    "stock": 5,
}

# ISO 8601 in UTC written with `Z`, and recent: what a row written by this request must carry.
RECENT_UTC_TIMESTAMP = IsStr(regex=r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z") & IsNow(
    iso_string=True, tz=UTC, delta=60
)
# The same for a timestamp read straight from the database: an aware UTC datetime.
RECENT_UTC_DATETIME = IsNow(tz=UTC, delta=60)
# A fixed past moment for rows whose timestamps a test compares exactly.
LONG_AGO = datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
LONG_AGO_JSON = "2020-01-02T03:04:05Z"


def utc_json(moment: datetime) -> str:
    """How the API writes a UTC timestamp: ISO 8601 with `Z`."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def book_public(book: Book) -> dict[str, Any]:
    """The `BookPublic` body the API must send for `book`, written out field by field.

    Call it before a request that may roll back: the app shares the test's session, and a
    rollback expires the objects the test holds.
    """
    return {
        "id": book.id,
        "title": book.title,
        "author": book.author,
        "isbn": book.isbn,
        "price": float(book.price),
        "description": book.description,
        "stock": book.stock,
        "owner_id": book.owner_id,
        "cover_url": None,
        "created_at": utc_json(book.created_at),
        "updated_at": utc_json(book.updated_at),
    }


async def book_rows(session: AsyncSession) -> list[dict[str, Any]]:
    """Every row of `books` as stored, read with a Core select (not the identity map)."""
    result = await session.execute(select(Book.__table__).order_by(Book.id))
    return [dict(row) for row in result.mappings()]


async def create_books(
    create_user: CreateUser, create_book: CreateBook, rows: Iterable[dict[str, Any]]
) -> list[Book]:
    """One book per row, in that order (ids ascend with it), all of one new owner.

    One owner, not a new user per book: half the inserts, for tests that only care about books.
    """
    owner = await create_user()
    return [await create_book(owner=owner, **fields) for fields in rows]


async def persisted_books(session: AsyncSession, rows: Iterable[dict[str, Any]]) -> list[Book]:
    """`create_books` on any session: the one a module's or class's data is built with
    (`module_db`, `class_db`: tests.fixtures.scoped), whose fixtures cannot ask for the
    function-scoped `create_user` and `create_book`."""
    owner = await persist(session, UserFactory)
    return [await persist(session, BookFactory, owner_id=owner.id, **fields) for fields in rows]


async def owned_book(create_book: CreateBook, owner: User, **fields: Any) -> Book:
    """A book of `owner` written long ago, with a description and stock."""
    defaults: dict[str, Any] = {
        "title": "Old title",
        "author": "Old Author",
        "isbn": OTHER_ISBN,
        "price": Decimal("25.00"),
        "description": "Old description",
        "stock": 7,
        "created_at": LONG_AGO,
        "updated_at": LONG_AGO,
    }
    book: Book = await create_book(owner=owner, **{**defaults, **fields})
    return book
