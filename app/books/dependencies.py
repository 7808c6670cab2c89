from typing import Annotated

from fastapi import Depends, Path

from app.auth.dependencies import CurrentUser
from app.books import repository, service
from app.books.exceptions import BookNotFound
from app.books.models import Book
from app.core.db import MAX_ID, SessionDep

BookId = Annotated[int, Path(ge=1, le=MAX_ID)]


async def valid_book(session: SessionDep, book_id: BookId) -> Book:
    book = await repository.get(session, book_id)
    if book is None:
        raise BookNotFound
    return book


ValidBook = Annotated[Book, Depends(valid_book)]


async def changeable_book(user: CurrentUser, book: ValidBook) -> Book:
    """Credentials first: an anonymous caller learns nothing about which books exist."""
    service.ensure_can_change(book, user)
    return book


ChangeableBook = Annotated[Book, Depends(changeable_book)]
