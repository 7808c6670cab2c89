"""PUT and GET /books/{id}/cover: images judged by bytes, replaced cleanly, served with ETags."""

import hashlib
from collections.abc import AsyncIterable, AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import delete, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.books.models import Book
from app.core.config import Settings
from app.files.dependencies import get_storage
from app.files.storage import LocalFileStorage, SavedFile
from tests.fixtures.app import Overrides
from tests.fixtures.auth import Principal
from tests.support.data import CreateBook
from tests.support.uploads import (
    TEXT,
    TINY_GIF,
    TINY_JPEG,
    TINY_PDF,
    TINY_WEBP,
    padded_png,
    tiny_png,
    tree,
)


async def _put_cover(client: httpx.AsyncClient, book: Book, content: bytes) -> httpx.Response:
    """PUTs `content` as the cover, as the client's principal."""
    return await client.put(
        f"/books/{book.id}/cover", files={"file": ("cover.bin", content, "image/png")}
    )


class RacingStorage:
    """Local storage whose `save` a subclass makes race another request, on `session`."""

    def __init__(self, directory: str, session: AsyncSession, book_id: int) -> None:
        self.inner = LocalFileStorage(directory)
        self.session = session
        self.book_id = book_id

    def read(self, name: str) -> AsyncIterator[bytes]:
        return self.inner.read(name)

    async def delete(self, name: str) -> None:
        await self.inner.delete(name)


class StorageDeletingTheBook(RacingStorage):
    """Local storage whose save, once the file is stored, deletes the book (a racing DELETE)."""

    async def save(self, chunks: AsyncIterable[bytes], *, max_bytes: int) -> SavedFile:
        saved = await self.inner.save(chunks, max_bytes=max_bytes)
        await self.session.execute(delete(Book).where(Book.id == self.book_id))
        return saved


class StorageReplacedMeanwhile(RacingStorage):
    """Local storage whose save, once the new file is stored, lets a racing replacement win
    first: another file becomes the row's cover and the one it replaced is removed."""

    def __init__(self, directory: str, session: AsyncSession, book_id: int, old: str) -> None:
        super().__init__(directory, session, book_id)
        self.old = old
        self.racer: SavedFile | None = None

    async def save(self, chunks: AsyncIterable[bytes], *, max_bytes: int) -> SavedFile:
        saved = await self.inner.save(chunks, max_bytes=max_bytes)

        async def racing() -> AsyncIterator[bytes]:
            yield TINY_JPEG

        self.racer = await self.inner.save(racing(), max_bytes=max_bytes)
        # Plain SQL, as the other request's session would: this session's Book is not told.
        await self.session.execute(
            text("UPDATE books SET cover_storage_name = :name WHERE id = :id"),
            {"name": self.racer.name, "id": self.book_id},
        )
        await self.inner.delete(self.old)
        return saved


class TestPutCover:
    @pytest.mark.parametrize(
        ("content", "content_type"),
        [
            pytest.param(tiny_png(), "image/png", id="png"),
            pytest.param(TINY_JPEG, "image/jpeg", id="jpeg"),
            pytest.param(TINY_WEBP, "image/webp", id="webp"),
        ],
    )
    @pytest.mark.auth("owner")
    async def test_an_image_becomes_the_cover(
        self,
        client: httpx.AsyncClient,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        content: bytes,
        content_type: str,
        principal: Principal,
    ) -> None:
        book = await create_book(owner=principal.user)

        response = await _put_cover(auth_client, book, content)

        assert response.status_code == 200, response.text
        assert response.json() == {
            "url": f"/books/{book.id}/cover",
            "content_type": content_type,
            "size": len(content),
        }
        read = await client.get(f"/books/{book.id}")
        assert read.json()["cover_url"] == f"/books/{book.id}/cover"

    @pytest.mark.parametrize(
        "content",
        [
            pytest.param(TINY_GIF, id="gif"),
            pytest.param(TINY_PDF, id="pdf"),
            pytest.param(TEXT, id="text"),
        ],
    )
    @pytest.mark.auth("owner")
    async def test_anything_but_jpeg_png_webp_gets_415(
        self,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        settings: Settings,
        content: bytes,
        principal: Principal,
    ) -> None:
        book = await create_book(owner=principal.user)

        response = await _put_cover(auth_client, book, content)

        assert response.status_code == 415, response.text
        assert response.json() == {"detail": "Unsupported file type"}
        assert tree(Path(settings.upload_dir)) == []

    @pytest.mark.auth("owner")
    async def test_replacing_removes_the_old_file(
        self,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        settings: Settings,
        principal: Principal,
    ) -> None:
        book = await create_book(owner=principal.user)
        assert (await _put_cover(auth_client, book, tiny_png())).status_code == 200
        [first] = tree(Path(settings.upload_dir))

        response = await _put_cover(auth_client, book, TINY_JPEG)

        assert response.status_code == 200, response.text
        [second] = tree(Path(settings.upload_dir))
        assert second != first
        assert (Path(settings.upload_dir) / second).read_bytes() == TINY_JPEG

    @pytest.mark.auth("owner")
    async def test_a_book_deleted_while_its_cover_is_stored_gets_404_and_keeps_no_file(
        self,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        settings: Settings,
        db_session: AsyncSession,
        override: Overrides,
        principal: Principal,
    ) -> None:
        book = await create_book(owner=principal.user)
        storage = StorageDeletingTheBook(settings.upload_dir, db_session, book.id)
        override(get_storage, lambda: storage)

        response = await _put_cover(auth_client, book, tiny_png())

        assert response.status_code == 404, response.text
        assert response.json() == {"detail": "Book not found"}
        assert tree(Path(settings.upload_dir)) == []

    @pytest.mark.auth("owner")
    async def test_the_file_removed_is_the_one_the_row_named_when_replaced(
        self,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        settings: Settings,
        db_session: AsyncSession,
        override: Overrides,
        principal: Principal,
    ) -> None:
        # Issue 15: a replacement that loses a race removes the winner's file, not the one it
        # read before (that one the winner already removed), so no file is left orphaned.
        book = await create_book(owner=principal.user)
        assert (await _put_cover(auth_client, book, tiny_png())).status_code == 200
        [first] = tree(Path(settings.upload_dir))
        storage = StorageReplacedMeanwhile(settings.upload_dir, db_session, book.id, first)
        override(get_storage, lambda: storage)

        response = await _put_cover(auth_client, book, TINY_WEBP)

        assert response.status_code == 200, response.text
        [kept] = tree(Path(settings.upload_dir))
        assert (Path(settings.upload_dir) / kept).read_bytes() == TINY_WEBP

    @pytest.mark.auth(other=403, admin=200)
    async def test_only_the_owner_or_an_admin(
        self,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        settings: Settings,
        expected_status: int,
    ) -> None:
        book = await create_book()

        response = await _put_cover(auth_client, book, tiny_png())

        assert response.status_code == expected_status, response.text
        if expected_status == 403:
            assert response.json() == {"detail": "Not authorized"}
            assert tree(Path(settings.upload_dir)) == []

    async def test_anonymous_gets_401(
        self, client: httpx.AsyncClient, create_book: CreateBook
    ) -> None:
        book = await create_book()

        response = await client.put(
            f"/books/{book.id}/cover", files={"file": ("c.png", tiny_png(), "image/png")}
        )

        assert response.status_code == 401, response.text
        assert response.json() == {"detail": "Not authenticated"}


class TestCoverLimit:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        """A cover limit of the tiny PNG's size exactly."""
        return settings.model_copy(update={"max_cover_bytes": len(tiny_png())})

    @pytest.mark.auth("owner")
    async def test_one_byte_over_gets_413_and_keeps_the_old_cover(
        self,
        client: httpx.AsyncClient,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        settings: Settings,
        db_session: AsyncSession,
        principal: Principal,
    ) -> None:
        book = await create_book(owner=principal.user)
        assert (await _put_cover(auth_client, book, tiny_png())).status_code == 200
        kept = tree(Path(settings.upload_dir))

        response = await _put_cover(auth_client, book, tiny_png() + b"\x00")

        assert response.status_code == 413, response.text
        assert response.json() == {"detail": f"File too large: at most {len(tiny_png())} bytes"}
        assert tree(Path(settings.upload_dir)) == kept
        assert (await client.get(f"/books/{book.id}/cover")).content == tiny_png()


class TestCoverBodyLimit:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        """Every other request's body limit far under the cover's (MAX_COVER_BYTES)."""
        return settings.model_copy(update={"max_body_bytes": 256})

    @pytest.mark.auth("owner")
    async def test_a_cover_over_the_body_limit_of_other_routes_is_stored(
        self,
        client: httpx.AsyncClient,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        principal: Principal,
    ) -> None:
        book = await create_book(owner=principal.user)
        cover = padded_png(at_least=1024)

        response = await _put_cover(auth_client, book, cover)

        assert response.status_code == 200, response.text
        assert (await client.get(f"/books/{book.id}/cover")).content == cover


class TestGetCover:
    @pytest.mark.auth("owner")
    async def test_serves_the_image_with_etag_and_cache_control(
        self,
        client: httpx.AsyncClient,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        principal: Principal,
    ) -> None:
        book = await create_book(owner=principal.user)
        await _put_cover(auth_client, book, tiny_png())

        response = await client.get(f"/books/{book.id}/cover")

        assert response.status_code == 200, response.text
        assert response.content == tiny_png()
        assert response.headers["content-type"] == "image/png"
        assert response.headers["etag"] == f'"{hashlib.sha256(tiny_png()).hexdigest()}"'
        assert response.headers["cache-control"] == "public, max-age=300"

    @pytest.mark.parametrize(
        ("if_none_match", "status"),
        [
            pytest.param("{etag}", 304, id="matching"),
            pytest.param("W/{etag}", 304, id="weak_form_matches"),
            pytest.param('"other", {etag}', 304, id="in_a_list"),
            pytest.param("*", 304, id="star"),
            pytest.param('"other"', 200, id="not_matching"),
        ],
    )
    @pytest.mark.auth("owner")
    async def test_if_none_match(
        self,
        client: httpx.AsyncClient,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        if_none_match: str,
        status: int,
        principal: Principal,
    ) -> None:
        book = await create_book(owner=principal.user)
        await _put_cover(auth_client, book, tiny_png())
        etag = f'"{hashlib.sha256(tiny_png()).hexdigest()}"'

        response = await client.get(
            f"/books/{book.id}/cover",
            headers={"If-None-Match": if_none_match.format(etag=etag)},
        )

        assert response.status_code == status, response.text
        assert response.headers["etag"] == etag
        assert response.content == (b"" if status == 304 else tiny_png())

    async def test_a_book_without_a_cover_gets_404(
        self, client: httpx.AsyncClient, create_book: CreateBook
    ) -> None:
        book = await create_book()

        response = await client.get(f"/books/{book.id}/cover")

        assert response.status_code == 404, response.text
        assert response.json() == {"detail": "Book has no cover"}

    async def test_a_missing_book_gets_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/books/999999/cover")

        assert response.status_code == 404, response.text
        assert response.json() == {"detail": "Book not found"}
