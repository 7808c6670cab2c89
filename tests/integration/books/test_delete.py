"""DELETE /books/{id} by the owner (who else may: test_permissions.py)."""

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from tests.support.data import CreateBook, CreateUser
from tests.support.host import bearer_headers
from tests.support.payloads.books import book_public, book_rows


class TestDeleteBook:
    async def test_returns_204_then_the_book_is_gone(
        self,
        client: httpx.AsyncClient,
        create_user: CreateUser,
        create_book: CreateBook,
        settings: Settings,
        db_session: AsyncSession,
    ) -> None:
        owner = await create_user()
        book = await create_book(owner=owner)
        kept = await create_book(owner=owner)
        book_id, kept_json = book.id, book_public(kept)

        response = await client.delete(f"/books/{book_id}", headers=bearer_headers(settings, owner))

        assert response.status_code == 204, response.text
        assert response.content == b""
        fetched = await client.get(f"/books/{book_id}")
        assert fetched.status_code == 404, fetched.text
        assert fetched.json() == {"detail": "Book not found"}
        assert [row["id"] for row in await book_rows(db_session)] == [kept_json["id"]]
        listed = await client.get("/books")
        assert listed.json() == [kept_json]
        assert listed.headers["X-Total-Count"] == "1"

    async def test_deleting_twice_returns_404(
        self,
        client: httpx.AsyncClient,
        create_user: CreateUser,
        create_book: CreateBook,
        settings: Settings,
    ) -> None:
        owner = await create_user()
        book_id = (await create_book(owner=owner)).id
        headers = bearer_headers(settings, owner)
        first = await client.delete(f"/books/{book_id}", headers=headers)
        assert first.status_code == 204, first.text

        response = await client.delete(f"/books/{book_id}", headers=headers)

        assert response.status_code == 404, response.text
        assert response.json() == {"detail": "Book not found"}

    async def test_missing_book_returns_404(
        self,
        client: httpx.AsyncClient,
        create_user: CreateUser,
        create_book: CreateBook,
        settings: Settings,
    ) -> None:
        owner = await create_user()
        book = await create_book(owner=owner)

        response = await client.delete(
            f"/books/{book.id + 1}", headers=bearer_headers(settings, owner)
        )

        assert response.status_code == 404, response.text
        assert response.json() == {"detail": "Book not found"}
