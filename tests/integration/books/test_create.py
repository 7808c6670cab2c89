"""POST /books: the created book, what is stored, ISBN conflicts and credentials.

Invalid bodies: test_create_validation.py.
"""

from decimal import Decimal
from typing import Any

import httpx
import pytest
from dirty_equals import IsInt
from sqlalchemy.ext.asyncio import AsyncSession

from tests.fixtures.auth import Principal
from tests.support.data import CreateBook, CreateUser
from tests.support.payloads.books import (
    DUNE,
    DUNE_ISBN,
    DUNE_ISBN_HYPHENATED,
    RECENT_UTC_DATETIME,
    RECENT_UTC_TIMESTAMP,
    book_rows,
)


class TestCreateBook:
    @pytest.mark.auth("customer")
    async def test_returns_201_with_the_whole_book(
        self, auth_client: httpx.AsyncClient, principal: Principal
    ) -> None:
        user = principal.user
        body = {**DUNE, "isbn": DUNE_ISBN_HYPHENATED, "price": 39.9}

        response = await auth_client.post("/books", json=body)

        assert response.status_code == 201, response.text
        assert response.json() == {
            "id": IsInt(gt=0),
            "title": "Dune",
            "author": "Frank Herbert",
            "isbn": DUNE_ISBN,
            "price": 39.9,
            "description": "Spice and sand.",
            "stock": 5,
            "owner_id": user.id,
            "cover_url": None,
            "created_at": RECENT_UTC_TIMESTAMP,
            "updated_at": RECENT_UTC_TIMESTAMP,
        }

    @pytest.mark.auth("customer")
    async def test_the_book_is_stored(
        self,
        auth_client: httpx.AsyncClient,
        db_session: AsyncSession,
        principal: Principal,
    ) -> None:
        user = principal.user
        body = {**DUNE, "isbn": DUNE_ISBN_HYPHENATED, "price": 39.9}

        response = await auth_client.post("/books", json=body)

        assert response.status_code == 201, response.text
        assert await book_rows(db_session) == [
            {
                "id": response.json()["id"],
                "title": "Dune",
                "author": "Frank Herbert",
                "isbn": DUNE_ISBN,
                "price": Decimal("39.90"),
                "description": "Spice and sand.",
                "stock": 5,
                "cover_storage_name": None,
                "cover_content_type": None,
                "cover_size": None,
                "cover_etag": None,
                "owner_id": user.id,
                "created_at": RECENT_UTC_DATETIME,
                "updated_at": RECENT_UTC_DATETIME,
            }
        ]

    @pytest.mark.auth("customer")
    async def test_optional_fields_take_their_defaults(
        self, auth_client: httpx.AsyncClient, principal: Principal
    ) -> None:
        user = principal.user
        body = {"title": "Dune", "author": "Frank Herbert", "isbn": DUNE_ISBN, "price": 10}

        response = await auth_client.post("/books", json=body)

        assert response.status_code == 201, response.text
        assert response.json() == {
            **body,
            "id": IsInt(gt=0),
            "description": None,
            "stock": 0,
            "owner_id": user.id,
            "cover_url": None,
            "created_at": RECENT_UTC_TIMESTAMP,
            "updated_at": RECENT_UTC_TIMESTAMP,
        }

    @pytest.mark.parametrize(
        ("changes", "stored"),
        [
            pytest.param({"isbn": "978 0 441 01359 3"}, {"isbn": DUNE_ISBN}, id="isbn_spaces"),
            pytest.param({"isbn": "978-0441 013593"}, {"isbn": DUNE_ISBN}, id="isbn_mixed"),
            pytest.param({"title": "  Dune \t"}, {"title": "Dune"}, id="title_trimmed"),
            pytest.param({"author": " Frank Herbert "}, {"author": "Frank Herbert"}, id="author"),
            pytest.param({"price": 0.01}, {"price": 0.01}, id="smallest_price"),
            pytest.param({"price": 100000}, {"price": 100000}, id="largest_price"),
            pytest.param({"price": 12.5}, {"price": 12.5}, id="one_decimal"),
            pytest.param({"stock": 0}, {"stock": 0}, id="no_stock"),
            pytest.param({"description": None}, {"description": None}, id="null_description"),
            pytest.param({"title": "T" * 300}, {"title": "T" * 300}, id="longest_title"),
        ],
    )
    @pytest.mark.auth("customer")
    async def test_accepted_input_is_normalised(
        self,
        auth_client: httpx.AsyncClient,
        changes: dict[str, Any],
        stored: dict[str, Any],
        principal: Principal,
    ) -> None:
        user = principal.user

        response = await auth_client.post("/books", json={**DUNE, **changes})

        assert response.status_code == 201, response.text
        assert response.json() == {
            **DUNE,
            **stored,
            "id": IsInt(gt=0),
            "owner_id": user.id,
            "cover_url": None,
            "created_at": RECENT_UTC_TIMESTAMP,
            "updated_at": RECENT_UTC_TIMESTAMP,
        }

    @pytest.mark.auth("customer")
    async def test_client_sent_id_owner_and_timestamps_are_ignored(
        self,
        auth_client: httpx.AsyncClient,
        create_user: CreateUser,
        db_session: AsyncSession,
        principal: Principal,
    ) -> None:
        caller, someone_else = principal.user, await create_user()
        body = {
            **DUNE,
            "id": 4242,
            "owner_id": someone_else.id,
            "cover_url": "/evil.png",
            "created_at": "2000-01-01T00:00:00Z",
        }

        response = await auth_client.post("/books", json=body)

        assert response.status_code == 201, response.text
        assert response.json() == {
            **DUNE,
            "id": IsInt(gt=0),
            "owner_id": caller.id,
            "cover_url": None,
            "created_at": RECENT_UTC_TIMESTAMP,
            "updated_at": RECENT_UTC_TIMESTAMP,
        }
        assert response.json()["id"] != body["id"]
        assert [row["owner_id"] for row in await book_rows(db_session)] == [caller.id]

    @pytest.mark.parametrize(
        "isbn",
        [
            pytest.param(DUNE_ISBN, id="same_digits"),
            pytest.param(DUNE_ISBN_HYPHENATED, id="hyphenated"),
            pytest.param("978 0441 01359 3", id="spaced"),
        ],
    )
    @pytest.mark.auth("customer")
    async def test_duplicate_isbn_returns_409(
        self,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        db_session: AsyncSession,
        isbn: str,
    ) -> None:
        await create_book(isbn=DUNE_ISBN, title="First printing")
        rows_before = await book_rows(db_session)

        response = await auth_client.post("/books", json={**DUNE, "isbn": isbn})

        assert response.status_code == 409, response.text
        assert response.json() == {"detail": f"Book with ISBN {DUNE_ISBN} already exists"}
        assert await book_rows(db_session) == rows_before
        assert [row["title"] for row in rows_before] == ["First printing"]


class TestCreateBookCredentials:
    async def test_anonymous_gets_401(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/books", json=DUNE)

        assert response.status_code == 401, response.text
        assert response.json() == {"detail": "Not authenticated"}
        assert response.headers["WWW-Authenticate"] == "Bearer"

    @pytest.mark.parametrize(
        ("authorization", "detail"),
        [
            pytest.param("Bearer garbage", "Invalid token", id="garbage_token"),
            pytest.param("Bearer ", "Invalid token", id="empty_token"),
            pytest.param("Basic dXNlcjpwYXNz", "Not authenticated", id="basic_scheme"),
        ],
    )
    async def test_unusable_credentials_get_401(
        self,
        client: httpx.AsyncClient,
        db_session: AsyncSession,
        authorization: str,
        detail: str,
    ) -> None:
        response = await client.post("/books", json=DUNE, headers={"Authorization": authorization})

        assert response.status_code == 401, response.text
        assert response.json() == {"detail": detail}
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert await book_rows(db_session) == []
