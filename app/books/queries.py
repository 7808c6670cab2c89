"""The read path's Core statements, built once at import.

Statements take their values through `bindparam`s, so each request only binds parameters to an
already-built statement whose compiled form SQLAlchemy has cached (never turn that cache off, nor
asyncpg's prepared-statement cache). Rows become `BookPublic` (the same validation and JSON as
the ORM path) and are encoded by prebuilt serializers straight to bytes.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, or_, select

from app.books.models import Book, cover_url
from app.books.schemas import BookPublic, BookSort
from app.core.reads import Prebuilt, Statement
from app.core.search import icontains

COLUMNS = (
    Book.id,
    Book.title,
    Book.author,
    Book.isbn,
    Book.price,
    Book.description,
    Book.stock,
    Book.owner_id,
    Book.cover_storage_name,
    Book.created_at,
    Book.updated_at,
)
ORDER: dict[BookSort | None, tuple[ColumnElement[Any], ...]] = {
    None: (),
    BookSort.TITLE: (Book.title.asc(),),
    BookSort.TITLE_DESC: (Book.title.desc(),),
    BookSort.PRICE: (Book.price.asc(),),
    BookSort.PRICE_DESC: (Book.price.desc(),),
    BookSort.CREATED_AT: (Book.created_at.asc(),),
    BookSort.CREATED_AT_DESC: (Book.created_at.desc(),),
}

BY_ID = Prebuilt.of(select(*COLUMNS).where(Book.id == bindparam("book_id")))
COUNT_ALL = Prebuilt.of(select(func.count()).select_from(Book))


def _page(
    conditions: Sequence[ColumnElement[bool]], sort: BookSort | None
) -> Select[*tuple[Any, ...]]:
    # `id` last keeps the order stable across pages when the sort key has ties.
    return (
        select(*COLUMNS)
        .where(*conditions)
        .order_by(*ORDER[sort], Book.id.asc())
        .offset(bindparam("skip"))
        .limit(bindparam("limit"))
    )


PAGE_ALL = {sort: Prebuilt.of(_page((), sort)) for sort in ORDER}


def conditions(author: str | None, q: str | None) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if author is not None:
        found.append(icontains(Book.author, author))
    if q is not None:
        found.append(or_(icontains(Book.title, q), icontains(Book.author, q)))
    return found


def count_and_page(
    author: str | None, q: str | None, sort: BookSort | None
) -> tuple[Statement, Statement]:
    """The prebuilt pair without filters; a search builds its own (its text is in the SQL)."""
    found = conditions(author, q)
    if not found:
        return COUNT_ALL, PAGE_ALL[sort]
    return select(func.count()).select_from(Book).where(*found), _page(found, sort)


def to_public(row: Mapping[Any, Any]) -> BookPublic:
    """From a SQLAlchemy row mapping or an asyncpg record alike (both keyed by column name)."""
    fields = dict(row)
    fields["cover_url"] = cover_url(fields["id"], fields.pop("cover_storage_name"))
    return BookPublic.model_validate(fields)
