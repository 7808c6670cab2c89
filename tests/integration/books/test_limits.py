"""Hostile input to POST, PUT and PATCH /books (issue 15): stock past its column, text with
nothing to see.

Every refusal is a 422 naming the field, and the stored book is left exactly as it was.
"""

from typing import Any

import httpx
import pytest
from dirty_equals import IsInt
from sqlalchemy.ext.asyncio import AsyncSession

from tests.fixtures.auth import Principal
from tests.support.data import CreateBook
from tests.support.payloads.books import (
    DUNE,
    LONG_AGO_JSON,
    RECENT_UTC_TIMESTAMP,
    book_public,
    book_rows,
    owned_book,
)

MAX_STOCK = 2**31 - 1  # PostgreSQL's integer column
WRITES = [
    pytest.param("POST", id="post"),
    pytest.param("PUT", id="put"),
    pytest.param("PATCH", id="patch"),
]


async def write_book(
    client: httpx.AsyncClient, method: str, book_id: int, changes: dict[str, Any]
) -> httpx.Response:
    """POST a new book, PUT over `book_id` or PATCH it, with DUNE's fields and `changes`, as the
    client's principal."""
    if method == "POST":
        return await client.post("/books", json=DUNE | changes)
    if method == "PUT":
        return await client.put(f"/books/{book_id}", json=DUNE | changes)
    return await client.patch(f"/books/{book_id}", json=changes)


def written_book(method: str, book: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The body `write_book` must answer, `book` being the existing one (`book_public`)."""
    if method == "PATCH":
        return {**book, **changes, "updated_at": RECENT_UTC_TIMESTAMP}
    written = {**book, **DUNE, **changes, "updated_at": RECENT_UTC_TIMESTAMP}
    if method == "PUT":
        return written | {"created_at": LONG_AGO_JSON}
    return written | {"id": IsInt(gt=book["id"]), "created_at": RECENT_UTC_TIMESTAMP}


class TestInvisibleText:
    @pytest.mark.parametrize("method", WRITES)
    @pytest.mark.parametrize("field", [pytest.param("title"), pytest.param("author")])
    @pytest.mark.parametrize(
        "text",
        [
            pytest.param("\u200b", id="zero_width_space"),
            pytest.param(" \u200b\u200c\u200d\u2060\ufeff ", id="zero_width_mix"),
            pytest.param("\u202e\u2066", id="bidi_controls"),
            pytest.param("\u3164\u115f", id="hangul_fillers"),
            pytest.param("\u2800", id="braille_blank"),
            pytest.param("\u0301\u034f", id="marks_alone"),
            pytest.param("\x07\x1b", id="control_characters"),
        ],
    )
    @pytest.mark.auth("owner")
    async def test_text_without_a_visible_character_is_422(
        self,
        auth_client: httpx.AsyncClient,
        db_session: AsyncSession,
        create_book: CreateBook,
        method: str,
        field: str,
        text: str,
        principal: Principal,
    ) -> None:
        book = await owned_book(create_book, principal.user)
        before = await book_rows(db_session)

        response = await write_book(auth_client, method, book.id, {field: text})

        assert response.status_code == 422, response.text
        assert response.json() == {
            "detail": [
                {
                    "loc": ["body", field],
                    "msg": "Value error, must contain a visible character",
                    "type": "value_error",
                }
            ]
        }
        assert await book_rows(db_session) == before

    @pytest.mark.parametrize("method", WRITES)
    @pytest.mark.parametrize(
        ("text", "stored"),
        [
            pytest.param("\u200bDune\u200b", "\u200bDune\u200b", id="visible_among_invisible"),
            pytest.param(" \u0915\u094d\u200d ", "\u0915\u094d\u200d", id="joiner_in_a_script"),
            pytest.param("\u3000字\u3000", "字", id="one_ideograph"),
            pytest.param("\U0001f600", "\U0001f600", id="emoji"),
            pytest.param("-", "-", id="punctuation"),
        ],
    )
    @pytest.mark.auth("owner")
    async def test_text_with_a_visible_character_is_stored(
        self,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        method: str,
        text: str,
        stored: str,
        principal: Principal,
    ) -> None:
        book = await owned_book(create_book, principal.user)
        before = book_public(book)

        response = await write_book(auth_client, method, book.id, {"title": text})

        assert response.status_code == (201 if method == "POST" else 200), response.text
        assert response.json() == written_book(method, before, {"title": stored})


class TestStock:
    @pytest.mark.parametrize("method", WRITES)
    @pytest.mark.parametrize(
        "stock", [pytest.param(0, id="zero"), pytest.param(MAX_STOCK, id="column_max")]
    )
    @pytest.mark.auth("owner")
    async def test_stock_at_a_bound_is_stored(
        self,
        auth_client: httpx.AsyncClient,
        db_session: AsyncSession,
        create_book: CreateBook,
        method: str,
        stock: int,
        principal: Principal,
    ) -> None:
        book = await owned_book(create_book, principal.user)
        before = book_public(book)

        response = await write_book(auth_client, method, book.id, {"stock": stock})

        assert response.status_code == (201 if method == "POST" else 200), response.text
        assert response.json() == written_book(method, before, {"stock": stock})
        assert [row["stock"] for row in await book_rows(db_session)] == (
            [before["stock"], stock] if method == "POST" else [stock]
        )

    @pytest.mark.parametrize("method", WRITES)
    @pytest.mark.parametrize(
        "stock",
        [
            pytest.param(MAX_STOCK + 1, id="column_max_plus_1"),
            pytest.param(2**63 - 1, id="int64_max"),
            pytest.param(2**63, id="int64_max_plus_1"),
            pytest.param(10**30, id="far_past"),
        ],
    )
    @pytest.mark.auth("owner")
    async def test_stock_past_the_column_is_422_and_nothing_changes(
        self,
        auth_client: httpx.AsyncClient,
        db_session: AsyncSession,
        create_book: CreateBook,
        method: str,
        stock: int,
        principal: Principal,
    ) -> None:
        book = await owned_book(create_book, principal.user)
        before = await book_rows(db_session)

        response = await write_book(auth_client, method, book.id, {"stock": stock})

        assert response.status_code == 422, response.text
        assert response.json() == {
            "detail": [
                {
                    "loc": ["body", "stock"],
                    "msg": f"Input should be less than or equal to {MAX_STOCK}",
                    "type": "less_than_equal",
                }
            ]
        }
        assert await book_rows(db_session) == before
