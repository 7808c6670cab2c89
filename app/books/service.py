"""Book rules: ISBNs are unique (the constraint decides races), owners or admins may change."""

from typing import Any

from pydantic import TypeAdapter
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.books import repository
from app.books.exceptions import BookHasOrders, BookNotFound, IsbnTaken
from app.books.models import Book
from app.books.schemas import BookCreate, BookPublic, BookSort, BookUpdate
from app.core.errors import PermissionDenied
from app.core.events import DomainEvent, EventBus
from app.core.reads import Reads
from app.files.storage import FileStorage
from app.users.models import Role, User

# Reads are encoded once, straight to bytes, by prebuilt serializers (the router still documents
# the body with `response_model`).
BOOK_JSON = TypeAdapter(BookPublic)
BOOKS_JSON = TypeAdapter(list[BookPublic])


async def page_json(
    reads: Reads,
    *,
    author: str | None,
    q: str | None,
    sort: BookSort | None,
    skip: int,
    limit: int,
) -> tuple[bytes, int]:
    """A page of the catalogue as JSON, and the total of books the filters match."""
    filters = repository.BookFilter(author=author, q=q)
    async with reads.connection() as db:
        books, total = await repository.list_public(
            db, filters=filters, sort=sort, skip=skip, limit=limit
        )
    return BOOKS_JSON.dump_json(books), total


async def public_json(reads: Reads, book_id: int) -> bytes:
    async with reads.connection() as db:
        book = await repository.find_public(db, book_id)
    if book is None:
        raise BookNotFound
    return BOOK_JSON.dump_json(book)


def ensure_can_change(book: Book, user: User) -> None:
    if book.owner_id != user.id and user.role != Role.ADMIN:
        raise PermissionDenied


async def _commit_or_isbn_taken(session: AsyncSession, isbn: str) -> None:
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise IsbnTaken(isbn) from exc


async def create(session: AsyncSession, bus: EventBus, data: BookCreate, owner: User) -> Book:
    """Adds the book, then publishes `book.created` (after the commit, as orders do)."""
    book = Book(**data.model_dump(), owner_id=owner.id)
    session.add(book)
    await _commit_or_isbn_taken(session, data.isbn)
    public = BookPublic.model_validate(book).model_dump(mode="json")
    await bus.publish(DomainEvent("book.created", {"book": public}))
    return book


async def _apply(session: AsyncSession, book: Book, changes: dict[str, Any]) -> Book:
    for field, value in changes.items():
        setattr(book, field, value)
    await _commit_or_isbn_taken(session, changes.get("isbn", book.isbn))
    return book


async def replace(session: AsyncSession, book: Book, data: BookCreate) -> Book:
    return await _apply(session, book, data.model_dump())


async def update(session: AsyncSession, book: Book, data: BookUpdate) -> Book:
    return await _apply(session, book, data.model_dump(exclude_unset=True))


async def delete(session: AsyncSession, storage: FileStorage, book: Book) -> None:
    """Books with orders stay (409): order_items' RESTRICT key refuses the DELETE, so books
    need not know the orders package (issue 16, layers), and a racing order is caught alike.

    The row is locked first, so its cover is the one it has when it goes; the file is removed
    after the commit, never before (a failed delete keeps a cover that still works).
    """
    current = await repository.locked(session, book.id)
    if current is None:  # deleted by a request that raced this one
        raise BookNotFound
    cover = current.cover_storage_name
    await session.delete(current)
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise BookHasOrders from exc
    if cover is not None:
        await storage.delete(cover)
