"""PUT /books/{id} by the owner: a full replacement (who else may: test_permissions.py)."""

from typing import Any

import httpx
import pytest
from dirty_equals import IsStr
from sqlalchemy.ext.asyncio import AsyncSession

from tests.fixtures.auth import Principal
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
    @pytest.mark.auth("owner")
    async def test_replaces_every_field_and_resets_omitted_ones(
        self,
        client: httpx.AsyncClient,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        principal: Principal,
    ) -> None:
        book = await owned_book(create_book, principal.user)
        before = book_public(book)
        body = {
            "title": "Dune",
            "author": "Frank Herbert",
            "isbn": DUNE_ISBN_HYPHENATED,
            "price": 9.5,
        }

        response = await auth_client.put(f"/books/{book.id}", json=body)

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

    @pytest.mark.auth("owner")
    async def test_same_isbn_as_itself_is_fine(
        self,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        principal: Principal,
    ) -> None:
        book = await owned_book(create_book, principal.user, isbn=DUNE_ISBN)
        before = book_public(book)

        response = await auth_client.put(
            f"/books/{book.id}", json={**DUNE, "isbn": DUNE_ISBN_HYPHENATED}
        )

        assert response.status_code == 200, response.text
        assert response.json() == {**before, **DUNE, "updated_at": RECENT_UTC_TIMESTAMP}

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

        response = await auth_client.put(
            f"/books/{book_id}", json={**DUNE, "isbn": DUNE_ISBN_HYPHENATED}
        )

        assert response.status_code == 409, response.text
        assert response.json() == {"detail": f"Book with ISBN {DUNE_ISBN} already exists"}
        assert await book_rows(db_session) == rows_before
        fetched = await client.get(f"/books/{book_id}")
        assert fetched.json() == before

    @pytest.mark.auth("owner")
    async def test_owner_in_body_is_ignored(
        self,
        auth_client: httpx.AsyncClient,
        create_user: CreateUser,
        create_book: CreateBook,
        principal: Principal,
    ) -> None:
        book = await owned_book(create_book, principal.user)
        before = book_public(book)
        thief = await create_user()

        response = await auth_client.put(
            f"/books/{book.id}",
            json={**DUNE, "owner_id": thief.id, "id": book.id + 1},
        )

        assert response.status_code == 200, response.text
        assert response.json() == {**before, **DUNE, "updated_at": RECENT_UTC_TIMESTAMP}

    @pytest.mark.auth("owner")
    async def test_missing_book_returns_404(
        self,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        principal: Principal,
    ) -> None:
        book = await owned_book(create_book, principal.user)

        response = await auth_client.put(f"/books/{book.id + 1}", json=DUNE)

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
    @pytest.mark.auth("owner")
    async def test_invalid_body_returns_422_and_changes_nothing(
        self,
        client: httpx.AsyncClient,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        body: dict[str, Any],
        loc: str,
        error_type: str,
        principal: Principal,
    ) -> None:
        book = await owned_book(create_book, principal.user)
        before = book_public(book)

        response = await auth_client.put(f"/books/{book.id}", json=body)

        assert response.status_code == 422, response.text
        assert response.json() == {
            "detail": [{"loc": ["body", loc], "msg": IsStr(), "type": error_type}]
        }
        assert (await client.get(f"/books/{book.id}")).json() == before
