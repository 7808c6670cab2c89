"""GET /books/{id}: the whole book, 404 for a missing one, 422 for an id that is no id."""

from decimal import Decimal

import httpx
import pytest
from dirty_equals import IsStr

from tests.support.data import CreateBook, CreateUser
from tests.support.payloads.books import LONG_AGO, LONG_AGO_JSON


class TestReadBook:
    async def test_returns_the_whole_book(
        self, client: httpx.AsyncClient, create_user: CreateUser, create_book: CreateBook
    ) -> None:
        owner = await create_user()
        book = await create_book(
            owner=owner,
            title="Dune",
            author="Frank Herbert",
            isbn="9780441013593",
            price=Decimal("39.90"),
            description="Spice and sand.",
            stock=3,
            created_at=LONG_AGO,
            updated_at=LONG_AGO,
        )

        response = await client.get(f"/books/{book.id}")

        assert response.status_code == 200, response.text
        assert response.json() == {
            "id": book.id,
            "title": "Dune",
            "author": "Frank Herbert",
            "isbn": "9780441013593",
            "price": 39.9,
            "description": "Spice and sand.",
            "stock": 3,
            "owner_id": owner.id,
            "cover_url": None,
            "created_at": LONG_AGO_JSON,
            "updated_at": LONG_AGO_JSON,
        }

    async def test_missing_book_returns_404(
        self, client: httpx.AsyncClient, create_book: CreateBook
    ) -> None:
        book = await create_book()

        response = await client.get(f"/books/{book.id + 1}")

        assert response.status_code == 404, response.text
        assert response.json() == {"detail": "Book not found"}

    @pytest.mark.parametrize(
        "book_id",
        [
            pytest.param(2**31, id="beyond_int32"),
            pytest.param(2**63, id="beyond_int64"),
        ],
    )
    async def test_id_beyond_the_column_range_returns_422(
        self, client: httpx.AsyncClient, book_id: int
    ) -> None:
        # An integer no row can have says the bound, not a database error (issue 15).
        response = await client.get(f"/books/{book_id}")

        assert response.status_code == 422, response.text
        assert response.json() == {
            "detail": [
                {
                    "loc": ["path", "book_id"],
                    "msg": "Input should be less than or equal to 2147483647",
                    "type": "less_than_equal",
                }
            ]
        }

    @pytest.mark.parametrize(
        ("book_id", "error_type"),
        [
            pytest.param("abc", "int_parsing", id="letters"),
            pytest.param("1.5", "int_parsing", id="fraction"),
            pytest.param("0", "greater_than_equal", id="zero"),
            pytest.param("-1", "greater_than_equal", id="negative"),
        ],
    )
    async def test_invalid_id_returns_422(
        self, client: httpx.AsyncClient, book_id: str, error_type: str
    ) -> None:
        response = await client.get(f"/books/{book_id}")

        assert response.status_code == 422, response.text
        assert response.json() == {
            "detail": [{"loc": ["path", "book_id"], "msg": IsStr(), "type": error_type}]
        }
