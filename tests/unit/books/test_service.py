"""The book service's ISBN conflict, on a stand-in session whose commit the database refuses."""

from decimal import Decimal
from typing import cast

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.books import service
from app.books.exceptions import IsbnTaken
from app.books.models import Book
from app.books.schemas import BookCreate, BookUpdate

DUNE, MESSIAH = "9780441013593", "9780441172696"


class RefusingSession:
    """Stands in for an AsyncSession whose commit hits the unique ISBN constraint."""

    def __init__(self) -> None:
        self.rolled_back = False

    async def commit(self) -> None:
        raise IntegrityError("UPDATE books", {}, Exception("UNIQUE constraint failed"))

    async def rollback(self) -> None:
        self.rolled_back = True


async def test_a_refused_patch_names_the_isbn_the_book_keeps() -> None:
    session = RefusingSession()
    book = Book(id=1, title="Dune", isbn=DUNE)

    with pytest.raises(IsbnTaken, match=rf"^Book with ISBN {DUNE} already exists$"):
        await service.update(cast(AsyncSession, session), book, BookUpdate(title="Dune Messiah"))

    assert session.rolled_back


async def test_a_refused_put_names_the_new_isbn() -> None:
    session = RefusingSession()
    book = Book(id=1, title="Dune", isbn=DUNE)
    data = BookCreate(title="Messiah", author="Frank Herbert", isbn=MESSIAH, price=Decimal(9))

    with pytest.raises(IsbnTaken, match=rf"^Book with ISBN {MESSIAH} already exists$"):
        await service.replace(cast(AsyncSession, session), book, data)
