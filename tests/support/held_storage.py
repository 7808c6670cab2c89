"""The app's file storage, each save first meeting the burst's others (tests/resilience/)."""

from collections.abc import AsyncIterable, AsyncIterator

from app.files.storage import FileStorage, SavedFile
from tests.support.rendezvous import Rendezvous


class MeetingStorage:
    """`inner`, whose `save` waits at `rendezvous` before it stores a byte.

    Install it with `app.dependency_overrides[get_storage] = lambda: MeetingStorage(...)`:
    every upload of a burst has then done what it does before storing (its reads, its locks)
    when the first one stores.
    """

    def __init__(self, inner: FileStorage, rendezvous: Rendezvous) -> None:
        self._inner = inner
        self._rendezvous = rendezvous

    async def save(self, chunks: AsyncIterable[bytes], *, max_bytes: int) -> SavedFile:
        await self._rendezvous.arrive()
        return await self._inner.save(chunks, max_bytes=max_bytes)

    def read(self, name: str) -> AsyncIterator[bytes]:
        return self._inner.read(name)

    async def delete(self, name: str) -> None:
        await self._inner.delete(name)
