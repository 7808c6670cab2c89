"""What the books' input and output schemas cost per call: ISBN checks, BookCreate, BookPublic.

Run with: make benchmark (or uv run pytest -m benchmark tests/benchmarks -p no:xdist -p no:randomly)
"""

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from app.books.isbn import normalise_isbn
from app.books.models import Book
from app.books.schemas import BookCreate, BookPublic

pytestmark = pytest.mark.benchmark

# Hyphens and spaces: the normaliser's full path (strip, length, digits, check digit).
HYPHENATED_ISBN = "978-0-306-40615-7"
NORMALISED_ISBN = "9780306406157"
BOOK_FIELDS: dict[str, Any] = {
    "title": "  The Left Hand of Darkness  ",
    "author": "Ursula K. Le Guin",
    "isbn": HYPHENATED_ISBN,
    "price": "12.50",
    "description": "Genly Ai is sent to the ice world of Gethen.",
    "stock": 7,
}
EXPECTED_CREATE = BookCreate(
    title="The Left Hand of Darkness",
    author="Ursula K. Le Guin",
    isbn=NORMALISED_ISBN,
    price=Decimal("12.50"),
    description="Genly Ai is sent to the ice world of Gethen.",
    stock=7,
)
CREATED_AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_isbn_normalisation(benchmark: BenchmarkFixture) -> None:
    assert benchmark(normalise_isbn, HYPHENATED_ISBN) == NORMALISED_ISBN


def test_book_create_from_dict(benchmark: BenchmarkFixture) -> None:
    assert benchmark(BookCreate.model_validate, BOOK_FIELDS) == EXPECTED_CREATE


def test_book_create_from_json(benchmark: BenchmarkFixture) -> None:
    body = json.dumps(BOOK_FIELDS).encode()
    assert benchmark(BookCreate.model_validate_json, body) == EXPECTED_CREATE


def test_book_public_from_row_to_json(benchmark: BenchmarkFixture) -> None:
    """What a handler's `BookPublic.model_validate(book)` plus the JSON response body cost."""
    book = Book(
        id=42,
        title="Dune",
        author="Frank Herbert",
        isbn=NORMALISED_ISBN,
        price=Decimal("19.99"),
        description=None,
        stock=3,
        owner_id=7,
        created_at=CREATED_AT,
        updated_at=CREATED_AT,
    )

    def serialise() -> bytes:
        return BookPublic.model_validate(book).model_dump_json().encode()

    assert json.loads(benchmark(serialise)) == {
        "id": 42,
        "title": "Dune",
        "author": "Frank Herbert",
        "isbn": NORMALISED_ISBN,
        "price": 19.99,
        "description": None,
        "stock": 3,
        "owner_id": 7,
        "cover_url": None,
        "created_at": "2026-01-02T03:04:05Z",
        "updated_at": "2026-01-02T03:04:05Z",
    }
