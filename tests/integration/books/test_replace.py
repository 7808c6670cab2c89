"""PUT /books/{id} by the owner: a full replacement (who else may: test_permissions.py)."""

from typing import Any

import httpx
import pytest
from dirty_equals import IsStr
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from tests.support.data import CreateBook, CreateUser
from tests.support.payloads.books import (
    DUNE,
    DUNE_ISBN,
    DUNE_ISBN_HYPHENATED,
    LONG_AGO_JSON,
    RECENT_UTC_TIMESTAMP,
    book_public,
    book_rows,
    owned_book,
)


class TestReplaceBook:
    async def test_replaces_every_field_and_resets_omitted_ones(
        self,
        client: httpx.AsyncClient,
        create_user: CreateUser,
        create_book: CreateBook,
        settings: Settings,
    ) -> None:
        book, headers = await owned_book(create_user, create_book, settings)
        before = book_public(book)
        body = {
            "title": "Dune",
            "author": "Frank Herbert",
            "isbn": DUNE_ISBN_HYPHENATED,
            "price": 9.5,
        }

        response = await client.put(f"/books/{book.id}", json=body, headers=headers)

        assert response.status_code == 200, response.text
        assert response.json() == {
            **before,
            "title": "Dune",
            "author": "Frank Herbert",
            "isbn": DUNE_ISBN,
            "price": 9.5,
            "description": None,
            "stock": 0,
            "created_at": LONG_AGO_JSON,
            "updated_at": RECENT_UTC_TIMESTAMP,
        }
        fetched = await client.get(f"/books/{book.id}")
        assert fetched.json() == response.json()

    async def test_same_isbn_as_itself_is_fine(
        self,
        client: httpx.AsyncClient,
        create_user: CreateUser,
        create_book: CreateBook,
        settings: Settings,
    ) -> None:
        book, headers = await owned_book(create_user, create_book, settings, isbn=DUNE_ISBN)
        before = book_public(book)

        response = await client.put(
            f"/books/{book.id}", json={**DUNE, "isbn": DUNE_ISBN_HYPHENATED}, headers=headers
        )

        assert response.status_code == 200, response.text
        assert response.json() == {**before, **DUNE, "updated_at": RECENT_UTC_TIMESTAMP}

    async def test_isbn_of_another_book_returns_409_and_changes_nothing(
        self,
        client: httpx.AsyncClient,
        create_user: CreateUser,
        create_book: CreateBook,
        settings: Settings,
        db_session: AsyncSession,
    ) -> None:
        book, headers = await owned_book(create_user, create_book, settings)
        await create_book(isbn=DUNE_ISBN)
        book_id, before = book.id, book_public(book)
        rows_before = await book_rows(db_session)

        response = await client.put(
            f"/books/{book_id}", json={**DUNE, "isbn": DUNE_ISBN_HYPHENATED}, headers=headers
        )

        assert response.status_code == 409, response.text
        assert response.json() == {"detail": f"Book with ISBN {DUNE_ISBN} already exists"}
        assert await book_rows(db_session) == rows_before
        fetched = await client.get(f"/books/{book_id}")
        assert fetched.json() == before

    async def test_owner_in_body_is_ignored(
        self,
        client: httpx.AsyncClient,
        create_user: CreateUser,
        create_book: CreateBook,
        settings: Settings,
    ) -> None:
        book, headers = await owned_book(create_user, create_book, settings)
        before = book_public(book)
        thief = await create_user()

        response = await client.put(
            f"/books/{book.id}",
            json={**DUNE, "owner_id": thief.id, "id": book.id + 1},
            headers=headers,
        )

        assert response.status_code == 200, response.text
        assert response.json() == {**before, **DUNE, "updated_at": RECENT_UTC_TIMESTAMP}

    async def test_missing_book_returns_404(
        self,
        client: httpx.AsyncClient,
        create_user: CreateUser,
        create_book: CreateBook,
        settings: Settings,
    ) -> None:
        book, headers = await owned_book(create_user, create_book, settings)

        response = await client.put(f"/books/{book.id + 1}", json=DUNE, headers=headers)

        assert response.status_code == 404, response.text
        assert response.json() == {"detail": "Book not found"}

    @pytest.mark.parametrize(
        ("body", "loc", "error_type"),
        [
            pytest.param({**DUNE, "title": None}, "title", "string_type", id="null_title"),
            pytest.param({**DUNE, "stock": None}, "stock", "int_type", id="null_stock"),
            pytest.param(
                {key: value for key, value in DUNE.items() if key != "price"},
                "price",
                "missing",
                id="no_price",
            ),
            pytest.param({**DUNE, "isbn": "9780441013594"}, "isbn", "value_error", id="bad_isbn"),
        ],
    )
    async def test_invalid_body_returns_422_and_changes_nothing(
        self,
        client: httpx.AsyncClient,
        create_user: CreateUser,
        create_book: CreateBook,
        settings: Settings,
        body: dict[str, Any],
        loc: str,
        error_type: str,
    ) -> None:
        book, headers = await owned_book(create_user, create_book, settings)
        before = book_public(book)

        response = await client.put(f"/books/{book.id}", json=body, headers=headers)

        assert response.status_code == 422, response.text
        assert response.json() == {
            "detail": [{"loc": ["body", loc], "msg": IsStr(), "type": error_type}]
        }
        assert (await client.get(f"/books/{book.id}")).json() == before
