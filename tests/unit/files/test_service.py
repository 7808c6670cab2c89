"""`store`: an upload streamed through the inspector into storage (no database involved)."""

import io
from collections.abc import AsyncIterable, AsyncIterator
from pathlib import Path

import pytest

from app.files.inspection import TEXT
from app.files.service import store
from app.files.storage import CHUNK_BYTES, LocalFileStorage, SavedFile
from tests.support.uploads import tree


class RecordingUpload:
    """An upload over `content` that records the sizes it is read with."""

    def __init__(self, content: bytes) -> None:
        self._source = io.BytesIO(content)
        self.sizes: list[int] = []

    async def read(self, size: int = -1) -> bytes:
        self.sizes.append(size)
        return self._source.read(size)


class StorageStoppingEarly:
    """A broken storage: its save returns after the first chunk, the stream not read to its end."""

    async def save(self, chunks: AsyncIterable[bytes], *, max_bytes: int) -> SavedFile:
        async for chunk in chunks:
            return SavedFile(name="0" * 32, size=len(chunk), sha256="")
        raise AssertionError("no chunk")

    def read(self, name: str) -> AsyncIterator[bytes]:
        raise NotImplementedError

    async def delete(self, name: str) -> None:
        raise NotImplementedError


async def test_reads_the_upload_a_chunk_at_a_time(tmp_path: Path) -> None:
    # Memory stays bounded whatever the file's size (UploadFile reads from a spooled file).
    content = b"a" * (2 * CHUNK_BYTES + 1)
    upload = RecordingUpload(content)

    saved, content_type = await store(
        LocalFileStorage(tmp_path), upload, expected=frozenset({TEXT}), max_bytes=len(content)
    )

    assert upload.sizes == [CHUNK_BYTES] * 4
    assert (saved.size, content_type) == (len(content), TEXT)
    assert tree(tmp_path) == [saved.name]


async def test_a_storage_that_stops_reading_early_is_an_error() -> None:
    upload = RecordingUpload(b"a" * (CHUNK_BYTES + 1))

    with pytest.raises(RuntimeError, match=r"^the upload stream was not read to its end$"):
        await store(StorageStoppingEarly(), upload, expected=frozenset({TEXT}), max_bytes=10**6)
