from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.books import queries
from app.books.models import Book
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
