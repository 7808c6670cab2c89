from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.books.models import Book
from app.books.schemas import BookSort
from app.core.db import MAX_ID
from app.core.search import icontains

_ORDER = {
    BookSort.TITLE: (Book.title.asc(),),
    BookSort.TITLE_DESC: (Book.title.desc(),),
    BookSort.PRICE: (Book.price.asc(),),
    BookSort.PRICE_DESC: (Book.price.desc(),),
    BookSort.CREATED_AT: (Book.created_at.asc(),),
    BookSort.CREATED_AT_DESC: (Book.created_at.desc(),),
}


@dataclass(frozen=True, slots=True)
class BookFilter:
    author: str | None = None
    q: str | None = None


def _conditions(filters: BookFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.author is not None:
        conditions.append(icontains(Book.author, filters.author))
    if filters.q is not None:
        conditions.append(or_(icontains(Book.title, filters.q), icontains(Book.author, filters.q)))
    return conditions


async def get(session: AsyncSession, book_id: int) -> Book | None:
    return await session.get(Book, book_id) if book_id <= MAX_ID else None


async def list_page(
    session: AsyncSession,
    *,
    filters: BookFilter,
    sort: BookSort | None,
    skip: int,
    limit: int,
) -> tuple[Sequence[Book], int]:
    conditions = _conditions(filters)
    total = await session.scalar(select(func.count()).select_from(Book).where(*conditions))
    # `id` last keeps the order stable across pages when the sort key has ties.
    order = (*(_ORDER[sort] if sort else ()), Book.id.asc())
    result = await session.scalars(
        select(Book).where(*conditions).order_by(*order).offset(skip).limit(limit)
    )
    return result.all(), total or 0
