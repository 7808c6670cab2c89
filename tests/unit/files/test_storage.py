"""`LocalFileStorage` on a temporary directory: what its contract promises a caller."""

import hashlib
import re
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import anyio.lowlevel
import pytest
from dirty_equals import IsStr

from app.files.exceptions import FileTooLarge
from app.files.storage import CHUNK_BYTES, LocalFileStorage, SavedFile
from tests.support.uploads import tree


async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


class TestSave:
    async def test_stores_the_bytes_under_a_new_name_with_their_size_and_digest(
        self, tmp_path: Path
    ) -> None:
        storage = LocalFileStorage(tmp_path)

        saved = await storage.save(chunks(b"ab", b"cd"), max_bytes=4)

        assert saved == SavedFile(
            name=IsStr(regex=r"[0-9a-f]{32}"),  # type: ignore[arg-type]
            size=4,
            sha256=hashlib.sha256(b"abcd").hexdigest(),
        )
        assert tree(tmp_path) == [saved.name]
        assert (tmp_path / saved.name).read_bytes() == b"abcd"

    async def test_creates_its_directory_and_the_missing_ones_above(self, tmp_path: Path) -> None:
        storage = LocalFileStorage(tmp_path / "a" / "b")

        saved = await storage.save(chunks(b"abc"), max_bytes=3)

        assert tree(tmp_path) == [f"a/b/{saved.name}"]

    async def test_the_limit_counts_every_chunk(self, tmp_path: Path) -> None:
        storage = LocalFileStorage(tmp_path)

        with pytest.raises(FileTooLarge, match=r"^File too large: at most 3 bytes$"):
            await storage.save(chunks(b"ab", b"cd"), max_bytes=3)

        assert tree(tmp_path) == []

    async def test_a_cancelled_save_keeps_nothing(self, tmp_path: Path) -> None:
        # The client goes away mid-upload: the partial file is removed all the same.
        storage = LocalFileStorage(tmp_path)

        async def cancelled_after_one_chunk(scope: anyio.CancelScope) -> AsyncIterator[bytes]:
            yield b"ab"
            scope.cancel()
            await anyio.lowlevel.checkpoint()
            yield b"cd"

        with anyio.CancelScope() as scope:
            await storage.save(cancelled_after_one_chunk(scope), max_bytes=4)

        assert scope.cancelled_caught
        assert tree(tmp_path) == []

    async def test_the_callers_error_is_raised_when_the_partial_file_is_already_gone(
        self, tmp_path: Path
    ) -> None:
        storage = LocalFileStorage(tmp_path)

        async def failing_after_the_partial_file_went() -> AsyncIterator[bytes]:
            yield b"ab"
            async for path in anyio.Path(tmp_path).iterdir():
                await path.unlink()
            raise ConnectionResetError("client went away")

        with pytest.raises(ConnectionResetError, match="client went away"):
            await storage.save(failing_after_the_partial_file_went(), max_bytes=4)

        assert tree(tmp_path) == []


class TestRead:
    async def test_streams_the_bytes_in_chunks(self, tmp_path: Path) -> None:
        storage = LocalFileStorage(tmp_path)
        content = b"x" * (CHUNK_BYTES + 1)
        saved = await storage.save(chunks(content), max_bytes=len(content))

        read = [chunk async for chunk in storage.read(saved.name)]

        assert [len(chunk) for chunk in read] == [CHUNK_BYTES, 1]
        assert b"".join(read) == content

    @pytest.mark.parametrize(
        "name",
        [
            pytest.param("../escape", id="traversal"),
            pytest.param(".hidden", id="dot"),
            pytest.param("", id="empty"),
        ],
    )
    async def test_only_a_storage_name_reaches_a_path(self, tmp_path: Path, name: str) -> None:
        storage = LocalFileStorage(tmp_path)

        with pytest.raises(ValueError, match=f"^{re.escape(f'not a storage name: {name!r}')}$"):
            [chunk async for chunk in storage.read(name)]


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
