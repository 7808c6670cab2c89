"""DELETE /books/{id} by the owner (who else may: test_permissions.py)."""

from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from tests.fixtures.auth import Principal
from tests.support.data import CreateBook
from tests.support.payloads.books import book_public, book_rows
from tests.support.uploads import tiny_png, tree


class TestDeleteBook:
    @pytest.mark.auth("customer")
    async def test_returns_204_then_the_book_is_gone(
        self,
        client: httpx.AsyncClient,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        db_session: AsyncSession,
        principal: Principal,
    ) -> None:
        owner = principal.user
        book = await create_book(owner=owner)
        kept = await create_book(owner=owner)
        book_id, kept_json = book.id, book_public(kept)

        response = await auth_client.delete(f"/books/{book_id}")

        assert response.status_code == 204, response.text
        assert response.content == b""
        fetched = await client.get(f"/books/{book_id}")
        assert fetched.status_code == 404, fetched.text
        assert fetched.json() == {"detail": "Book not found"}
        assert [row["id"] for row in await book_rows(db_session)] == [kept_json["id"]]
        listed = await client.get("/books")
        assert listed.json() == [kept_json]
        assert listed.headers["X-Total-Count"] == "1"

    @pytest.mark.auth("customer")
    async def test_its_cover_file_goes_with_it(
        self,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        settings: Settings,
        principal: Principal,
    ) -> None:
        book = await create_book(owner=principal.user)
        cover = await auth_client.put(
            f"/books/{book.id}/cover", files={"file": ("c.png", tiny_png(), "image/png")}
        )
        assert cover.status_code == 200, cover.text
        assert len(tree(Path(settings.upload_dir))) == 1

        response = await auth_client.delete(f"/books/{book.id}")

        assert response.status_code == 204, response.text
        assert tree(Path(settings.upload_dir)) == []

    @pytest.mark.auth("customer")
    async def test_deleting_twice_returns_404(
        self,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        principal: Principal,
    ) -> None:
        owner = principal.user
        book_id = (await create_book(owner=owner)).id
        first = await auth_client.delete(f"/books/{book_id}")
        assert first.status_code == 204, first.text

        response = await auth_client.delete(f"/books/{book_id}")

        assert response.status_code == 404, response.text
        assert response.json() == {"detail": "Book not found"}

    @pytest.mark.auth("customer")
    async def test_missing_book_returns_404(
        self,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        principal: Principal,
    ) -> None:
        owner = principal.user
        book = await create_book(owner=owner)

        response = await auth_client.delete(f"/books/{book.id + 1}")

        assert response.status_code == 404, response.text
        assert response.json() == {"detail": "Book not found"}
