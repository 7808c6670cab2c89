"""`LocalFileStorage` on a temporary directory: what its contract promises a caller."""

from collections.abc import AsyncIterator
from pathlib import Path

import anyio

from app.files.storage import LocalFileStorage
from tests.support.uploads import tree


async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


class TestDelete:
    async def test_removes_the_file(self, tmp_path: Path) -> None:
        storage = LocalFileStorage(tmp_path)
        saved = await storage.save(chunks(b"abc"), max_bytes=3)
        assert tree(tmp_path) == [saved.name]

        await storage.delete(saved.name)

        assert tree(tmp_path) == []

    async def test_a_missing_file_is_not_an_error(self, tmp_path: Path) -> None:
        storage = LocalFileStorage(tmp_path)

        await storage.delete("0123456789abcdef0123456789abcdef")

        assert tree(tmp_path) == []

    async def test_completes_when_the_caller_is_already_cancelled(self, tmp_path: Path) -> None:
        # The services delete while a cancelled request unwinds (app/books/covers.py): the
        # file must still go, not stay behind as an orphan.
        storage = LocalFileStorage(tmp_path)
        saved = await storage.save(chunks(b"abc"), max_bytes=3)

        with anyio.CancelScope() as scope:
            scope.cancel()
            await storage.delete(saved.name)

        assert tree(tmp_path) == []
