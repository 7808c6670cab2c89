from datetime import datetime
from typing import Any

import httpx
from dirty_equals import IsInt
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.books.models import Book
from tests.e2e.steps import UTC_TIMESTAMP, create_book, customer, log_in, register

LEFT_HAND = {
    "title": "The Left Hand of Darkness",
    "author": "Ursula K. Le Guin",
    "isbn": "978-0-441-47812-5",
    "price": 15.0,
}


def instant(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp)


async def list_books(client: httpx.AsyncClient, **params: str) -> tuple[list[Any], str | None]:
    response = await client.get("/books", params=params)
    assert response.status_code == 200, response.text
    books: list[Any] = response.json()
    return books, response.headers.get("X-Total-Count")


async def test_customer_registers_logs_in_and_lists_changes_and_removes_a_book(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    user = await register(client, "Paul Atreides", "Paul@Arrakis.example.com")
    headers = await log_in(client, "paul@arrakis.example.com")

    response = await client.get("/users/me", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json() == customer("Paul Atreides", "paul@arrakis.example.com")
    assert response.json() == user

    assert await list_books(client) == ([], "0")
    other = await create_book(client, headers, LEFT_HAND)
    assert other == {
        **LEFT_HAND,
        "isbn": "9780441478125",
        "description": None,
        "stock": 0,
        "id": IsInt(gt=0),
        "owner_id": user["id"],
        "cover_url": None,
        "created_at": UTC_TIMESTAMP,
        "updated_at": UTC_TIMESTAMP,
    }
    total_before = (await list_books(client))[1]
    assert total_before == "1"

    # Create: the hyphenated ISBN comes back as 13 digits, the title trimmed.
    dune = await create_book(
        client,
        headers,
        {
            "title": "  Dune  ",
            "author": "Frank Herbert",
            "isbn": "978-0-441-01359-3",
            "price": 9.99,
            "description": "Spice.",
            "stock": 3,
        },
    )
    created = {
        "id": IsInt(gt=other["id"]),
        "title": "Dune",
        "author": "Frank Herbert",
        "isbn": "9780441013593",
        "price": 9.99,
        "description": "Spice.",
        "stock": 3,
        "owner_id": user["id"],
        "cover_url": None,
        "created_at": UTC_TIMESTAMP,
        "updated_at": UTC_TIMESTAMP,
    }
    assert dune == created

    # Find it: by title substring (any case), by author, by id.
    assert await list_books(client, q="dUNE") == ([dune], "1")
    assert await list_books(client, author="herbert") == ([dune], "1")
    assert await list_books(client) == ([other, dune], "2")
    response = await client.get(f"/books/{dune['id']}")
    assert response.status_code == 200, response.text
    assert response.json() == dune

    # PATCH: only the sent fields change.
    response = await client.patch(
        f"/books/{dune['id']}", json={"price": 12.5, "stock": 7}, headers=headers
    )
    assert response.status_code == 200, response.text
    patched = response.json()
    assert patched == {**dune, "price": 12.5, "stock": 7, "updated_at": UTC_TIMESTAMP}
    assert instant(patched["updated_at"]) > instant(dune["updated_at"])
    response = await client.get(f"/books/{dune['id']}")
    assert response.status_code == 200, response.text
    assert response.json() == patched

    # PUT: a full replacement; omitted optional fields go back to their defaults.
    replacement = {
        "title": "Foundation",
        "author": "Isaac Asimov",
        "isbn": "978 0 553 29335 7",
        "price": 8.99,
    }
    response = await client.put(f"/books/{dune['id']}", json=replacement, headers=headers)
    assert response.status_code == 200, response.text
    replaced = {
        **replacement,
        "isbn": "9780553293357",
        "description": None,
        "stock": 0,
        "id": dune["id"],
        "owner_id": user["id"],
        "cover_url": None,
        "created_at": dune["created_at"],
        "updated_at": UTC_TIMESTAMP,
    }
    assert response.json() == replaced
    replaced = response.json()
    assert instant(replaced["updated_at"]) > instant(patched["updated_at"])
    response = await client.get(f"/books/{dune['id']}")
    assert response.status_code == 200, response.text
    assert response.json() == replaced
    assert await list_books(client, q="dune") == ([], "0")
    assert await list_books(client, author="asimov") == ([replaced], "1")

    # DELETE: gone by id and from the list, the count back to what it was.
    response = await client.delete(f"/books/{dune['id']}", headers=headers)
    assert response.status_code == 204, response.text
    assert response.content == b""
    response = await client.get(f"/books/{dune['id']}")
    assert response.status_code == 404, response.text
    assert response.json() == {"detail": "Book not found"}
    assert await list_books(client) == ([other], total_before)

    rows = await db_session.execute(select(Book.id, Book.isbn).order_by(Book.id))
    assert rows.all() == [(other["id"], "9780441478125")]
