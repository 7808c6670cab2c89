"""PATCH /books/{id} by the owner: only sent fields change (who else may: test_permissions.py)."""

from typing import Any

import httpx
import pytest
from dirty_equals import IsStr
from sqlalchemy.ext.asyncio import AsyncSession

from tests.fixtures.auth import Principal
from tests.support.data import CreateBook
from tests.support.payloads import NON_OBJECT_BODIES, NOT_AN_OBJECT
from tests.support.payloads.books import (
    DUNE_ISBN,
    DUNE_ISBN_HYPHENATED,
    RECENT_UTC_TIMESTAMP,
    book_public,
    book_rows,
    owned_book,
)


class TestPatchBook:
    @pytest.mark.parametrize(
        ("changes", "expected"),
        [
            pytest.param({"title": " New title "}, {"title": "New title"}, id="title"),
            pytest.param({"author": "New Author"}, {"author": "New Author"}, id="author"),
            pytest.param({"isbn": DUNE_ISBN_HYPHENATED}, {"isbn": DUNE_ISBN}, id="isbn"),
            pytest.param({"price": 5.5}, {"price": 5.5}, id="price"),
            pytest.param({"stock": 0}, {"stock": 0}, id="stock"),
            pytest.param({"description": "New"}, {"description": "New"}, id="description"),
            pytest.param({"description": None}, {"description": None}, id="null_description"),
            pytest.param(
                {"title": "T", "price": 1, "owner_id": 999_999, "cover_url": "/x.png"},
                {"title": "T", "price": 1},
                id="unknown_fields_ignored",
            ),
        ],
    )
    @pytest.mark.auth("owner")
    async def test_only_sent_fields_change(
        self,
        client: httpx.AsyncClient,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        changes: dict[str, Any],
        expected: dict[str, Any],
        principal: Principal,
    ) -> None:
        book = await owned_book(create_book, principal.user)
        before = book_public(book)

        response = await auth_client.patch(f"/books/{book.id}", json=changes)

        assert response.status_code == 200, response.text
        # updated_at moves from LONG_AGO to now; created_at stays exactly as it was.
        assert response.json() == {**before, **expected, "updated_at": RECENT_UTC_TIMESTAMP}
        assert (await client.get(f"/books/{book.id}")).json() == response.json()

    @pytest.mark.auth("owner")
    async def test_empty_body_changes_nothing(
        self,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        principal: Principal,
    ) -> None:
        book = await owned_book(create_book, principal.user)
        before = book_public(book)

        response = await auth_client.patch(f"/books/{book.id}", json={})

        assert response.status_code == 200, response.text
        assert response.json() == before

    @pytest.mark.parametrize(
        "field",
        [
            pytest.param("title", id="title"),
            pytest.param("author", id="author"),
            pytest.param("isbn", id="isbn"),
            pytest.param("price", id="price"),
            pytest.param("stock", id="stock"),
        ],
    )
    @pytest.mark.auth("owner")
    async def test_explicit_null_for_a_required_field_returns_422(
        self,
        client: httpx.AsyncClient,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        field: str,
        principal: Principal,
    ) -> None:
        book = await owned_book(create_book, principal.user)
        before = book_public(book)

        response = await auth_client.patch(f"/books/{book.id}", json={field: None})

        assert response.status_code == 422, response.text
        assert response.json() == {
            "detail": [
                {
                    "loc": ["body", field],
                    "msg": f"Value error, {field} may not be null",
                    "type": "value_error",
                }
            ]
        }
        assert (await client.get(f"/books/{book.id}")).json() == before

    @pytest.mark.parametrize(
        ("changes", "loc", "error_type"),
        [
            pytest.param({"title": "  "}, "title", "string_too_short", id="blank_title"),
            pytest.param({"price": 0}, "price", "greater_than", id="price_0"),
            pytest.param({"price": 10.555}, "price", "decimal_max_places", id="three_decimals"),
            pytest.param({"stock": -1}, "stock", "greater_than_equal", id="negative_stock"),
            pytest.param({"isbn": "9780441013594"}, "isbn", "value_error", id="bad_check_digit"),
        ],
    )
    @pytest.mark.auth("owner")
    async def test_invalid_value_returns_422(
        self,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        changes: dict[str, Any],
        loc: str,
        error_type: str,
        principal: Principal,
    ) -> None:
        book = await owned_book(create_book, principal.user)

        response = await auth_client.patch(f"/books/{book.id}", json=changes)

        assert response.status_code == 422, response.text
        assert response.json() == {
            "detail": [{"loc": ["body", loc], "msg": IsStr(), "type": error_type}]
        }

    # Every field may be left out, so a body that reads as no fields at all changed nothing and
    # answered 200: `0.5` did (live Schemathesis, ST201), being parsed as a Decimal.
    @pytest.mark.parametrize("content", NON_OBJECT_BODIES)
    @pytest.mark.auth("owner")
    async def test_a_body_that_is_not_an_object_returns_422(
        self,
        client: httpx.AsyncClient,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        content: str,
        principal: Principal,
    ) -> None:
        book = await owned_book(create_book, principal.user)
        before = book_public(book)

        response = await auth_client.patch(
            f"/books/{book.id}", content=content, headers={"Content-Type": "application/json"}
        )

        assert response.status_code == 422, response.text
        assert response.json() == {"detail": [NOT_AN_OBJECT]}
        assert (await client.get(f"/books/{book.id}")).json() == before

    @pytest.mark.auth("owner")
    async def test_isbn_of_another_book_returns_409_and_changes_nothing(
        self,
        client: httpx.AsyncClient,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        db_session: AsyncSession,
        principal: Principal,
    ) -> None:
        book = await owned_book(create_book, principal.user)
        await create_book(isbn=DUNE_ISBN)
        book_id, before = book.id, book_public(book)
        rows_before = await book_rows(db_session)

        response = await auth_client.patch(
            f"/books/{book_id}", json={"isbn": DUNE_ISBN, "title": "Changed"}
        )

        assert response.status_code == 409, response.text
        assert response.json() == {"detail": f"Book with ISBN {DUNE_ISBN} already exists"}
        assert await book_rows(db_session) == rows_before
        assert (await client.get(f"/books/{book_id}")).json() == before

    @pytest.mark.auth("owner")
    async def test_missing_book_returns_404(
        self,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        principal: Principal,
    ) -> None:
        book = await owned_book(create_book, principal.user)

        response = await auth_client.patch(f"/books/{book.id + 1}", json={"stock": 1})

        assert response.status_code == 404, response.text
        assert response.json() == {"detail": "Book not found"}
