"""Books: the ORM paths that change them, the read path's statements, and stock.

Stock changes are single conditional UPDATEs, never read-modify-write, so concurrent orders
cannot oversell (app/orders/service.py places and cancels through them).
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.books import queries
from app.books.models import MAX_STOCK, Book
from app.books.schemas import BookPublic, BookSort
from app.core.reads import ReadConnection


@dataclass(frozen=True, slots=True)
class BookFilter:
    author: str | None = None
    q: str | None = None


async def get(session: AsyncSession, book_id: int) -> Book | None:
    """The ORM object, for the paths that change a book or stream its cover."""
    return await session.get(Book, book_id)


async def locked(session: AsyncSession, book_id: int) -> Book | None:
    """The book as it is now, its row locked until the transaction ends (SQLite's writing
    transactions hold the whole database's lock from their first statement anyway)."""
    statement = (
        select(Book)
        .where(Book.id == book_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(statement)).one_or_none()


async def find_public(db: ReadConnection, book_id: int) -> BookPublic | None:
    row = await db.first(queries.BY_ID, {"book_id": book_id})
    return None if row is None else queries.to_public(row)


async def list_public(
    db: ReadConnection,
    *,
    filters: BookFilter,
    sort: BookSort | None,
    skip: int,
    limit: int,
) -> tuple[list[BookPublic], int]:
    count, page = queries.count_and_page(filters.author, filters.q, sort)
    total = await db.scalar(count, {})
    rows = await db.all(page, {"skip": skip, "limit": limit})
    return [queries.to_public(row) for row in rows], total


async def take_stock(session: AsyncSession, book_id: int, quantity: int) -> Decimal | None:
    """Takes `quantity` copies if that many are left; the book's price, or None if not."""
    result = await session.execute(
        update(Book)
        .where(Book.id == book_id, Book.stock >= quantity)
        .values(stock=Book.stock - quantity)
        .returning(Book.price)
    )
    return result.scalar_one_or_none()


async def return_stock(session: AsyncSession, book_id: int, quantity: int) -> bool:
    """Puts `quantity` copies back unless the stock would pass its column's range; True if so."""
    result = await session.execute(
        update(Book)
        .where(Book.id == book_id, Book.stock <= MAX_STOCK - quantity)
        .values(stock=Book.stock + quantity)
    )
    return cast(CursorResult[Any], result).rowcount == 1


async def book_exists(session: AsyncSession, book_id: int) -> bool:
    return await session.scalar(select(Book.id).where(Book.id == book_id)) is not None
