from dataclasses import dataclass

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
