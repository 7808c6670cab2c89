"""Where uploaded bytes live, behind a small interface (local disk now; S3 and friends later).

Names are made here (uuid4 hex) and are the only thing that reaches a path. A file is written
to a temporary name in the same directory and renamed into place only when complete, so a
reader never sees a partial file and a failure (too large, wrong type, a crash of the caller's
check) leaves nothing behind.
"""

import hashlib
import os
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from uuid import uuid4

import anyio

from app.files.exceptions import FileTooLarge

CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class SavedFile:
    name: str
    size: int
    sha256: str


class FileStorage(Protocol):
    async def save(self, chunks: AsyncIterable[bytes], *, max_bytes: int) -> SavedFile:
        """Stores the stream under a new name; FileTooLarge past `max_bytes`, nothing kept."""
        ...

    def read(self, name: str) -> AsyncIterator[bytes]:
        """The stored bytes, in chunks."""
        ...

    async def delete(self, name: str) -> None:
        """Removes the file; a missing one is not an error."""
        ...


class LocalFileStorage:
    """Files in one directory on the local disk, created on the first save."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = anyio.Path(directory)

    def _path(self, name: str) -> anyio.Path:
        if not name.isalnum():  # only our own uuid hex names ever get here
            raise ValueError(f"not a storage name: {name!r}")
        return self.directory / name

    async def save(self, chunks: AsyncIterable[bytes], *, max_bytes: int) -> SavedFile:
        await self.directory.mkdir(parents=True, exist_ok=True)
        name = uuid4().hex
        temporary = self.directory / f".{name}.part"
        digest = hashlib.sha256()
        size = 0
        try:
            async with await anyio.open_file(temporary, "xb") as out:
                async for chunk in chunks:
                    size += len(chunk)
                    if size > max_bytes:
                        raise FileTooLarge(max_bytes)
                    digest.update(chunk)
                    await out.write(chunk)
            await anyio.to_thread.run_sync(os.replace, temporary, self._path(name))
        except BaseException:
            with anyio.CancelScope(shield=True):
                await temporary.unlink(missing_ok=True)
            raise
        return SavedFile(name=name, size=size, sha256=digest.hexdigest())

    async def read(self, name: str) -> AsyncIterator[bytes]:
        async with await anyio.open_file(self._path(name), "rb") as source:
            while chunk := await source.read(CHUNK_BYTES):
                yield chunk

    async def delete(self, name: str) -> None:
        with anyio.CancelScope(shield=True):
            await self._path(name).unlink(missing_ok=True)
