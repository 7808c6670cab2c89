from decimal import Decimal

import factory

from app.books.isbn import isbn13_check_digit
from app.books.models import Book


def valid_isbn(n: int) -> str:
    first_twelve = f"979{n:09d}"
    return first_twelve + str(isbn13_check_digit(first_twelve))


class BookFactory(factory.Factory):
    """Needs `owner_id` (a persisted user's id): books always have an owner."""

    class Meta:
        model = Book

    title = factory.Sequence(lambda n: f"Book {n}")
    author = factory.Sequence(lambda n: f"Author {n}")
    isbn = factory.Sequence(valid_isbn)
    price = Decimal("19.99")
    description = None
    stock = 10
