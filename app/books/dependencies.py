from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, UploadFile

from app.books import repository, service
from app.books.exceptions import BookNotFound
from app.books.models import Book
from app.core.db import MAX_ID, SessionDep, read_only
from app.files import forms
from app.files.forms import FormDep
from app.users.dependencies import CurrentUser

BookId = Annotated[int, Path(ge=1, le=MAX_ID)]


async def valid_book(session: SessionDep, book_id: BookId) -> Book:
    """Read in a transaction of its own, ended here: what the handler does next (stream a
    cover, receive one) holds no lock and no pooled connection; its writes begin their own."""
    async with read_only(session):
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


@dataclass(frozen=True, slots=True)
class NewCover:
    book: Book
    file: UploadFile


async def new_cover(book: ChangeableBook, form: FormDep) -> NewCover:
    """The book and its `file` part, read only once the caller may change the book: 401, 403
    and 404 are answered with the body unread. One dependency for both, so that a bad
    `book_id` is reported once."""
    return NewCover(book, forms.field(form, "file", forms.ONE_FILE))


NewCoverDep = Annotated[NewCover, Depends(new_cover)]
