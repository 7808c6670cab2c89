"""Readers that never read hold nothing of the database's (issue 15, finding 1).

A cover or a file is streamed after its handler returned. Had the request's session still been
in its transaction then, each stalled reader would keep SQLite's write lock (`BEGIN IMMEDIATE`)
or one of PostgreSQL's pooled connections for as long as it likes: a handful of anonymous
sockets would turn every other request into a 500. Here 50 stalled readers are mid-stream, and
the API must still answer everyone else, with no transaction open anywhere.
"""

import asyncio
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import Settings
from app.main import create_app
from tests.factories import BookFactory, UserFactory, persist
from tests.support.host import bearer_headers
from tests.support.live_server import Serve
from tests.support.open_transactions import transaction_open
from tests.support.stalled_clients import stalled_readers, stalling_size

REQUEST_DEADLINE_SECONDS = 30.0
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
STALLED_COVER_READERS = 25
STALLED_FILE_READERS = 25


@dataclass(frozen=True, slots=True)
class Store:
    base_url: str
    headers: dict[str, str]
    book_id: int
    other_book_id: int
    file_id: int


@pytest.fixture
async def store(
    production_settings: Settings,
    committed_db: async_sessionmaker[AsyncSession],
    serve: Serve,
) -> Store:
    """A live API whose book has a cover, and whose customer has a file, both too large for
    the loopback's buffers."""
    size = stalling_size()
    settings = production_settings.model_copy(
        update={"max_cover_bytes": size, "max_upload_bytes": size}
    )
    async with committed_db() as session:
        owner = await persist(session, UserFactory)
        book = await persist(session, BookFactory, owner_id=owner.id)
        other = await persist(session, BookFactory, owner_id=owner.id, stock=1000)
    headers = bearer_headers(settings, owner)
    base_url = serve(create_app(settings))
    body = PNG_SIGNATURE + bytes(size - len(PNG_SIGNATURE))
    async with httpx.AsyncClient(
        base_url=base_url, headers=headers, timeout=REQUEST_DEADLINE_SECONDS
    ) as client:
        cover = await client.put(f"/books/{book.id}/cover", files={"file": ("c.png", body)})
        assert cover.status_code == 200, cover.text
        upload = await client.post("/files/upload", files={"file": ("f.png", body)})
        assert upload.status_code == 201, upload.text
    return Store(base_url, headers, book.id, other.id, upload.json()["id"])


async def test_fifty_stalled_readers_leave_the_api_answering(
    store: Store, database_url: str
) -> None:
    with (
        stalled_readers(
            store.base_url, f"/books/{store.book_id}/cover", STALLED_COVER_READERS
        ) as covers,
        stalled_readers(
            store.base_url, f"/files/{store.file_id}", STALLED_FILE_READERS, store.headers
        ) as files,
    ):
        assert set(covers + files) == {"HTTP/1.1 200 OK"}
        assert not await asyncio.to_thread(transaction_open, database_url)

        async with httpx.AsyncClient(
            base_url=store.base_url, headers=store.headers, timeout=REQUEST_DEADLINE_SECONDS
        ) as client:
            book = await client.get(f"/books/{store.other_book_id}")
            order = await client.post(
                "/orders", json={"items": [{"book_id": store.other_book_id, "quantity": 1}]}
            )
            changed = await client.patch(f"/books/{store.other_book_id}", json={"stock": 7})
            cover = await client.put(
                f"/books/{store.other_book_id}/cover", files={"file": ("s.png", PNG_SIGNATURE)}
            )

    assert (book.status_code, order.status_code) == (200, 201), (book.text, order.text)
    assert (changed.status_code, cover.status_code) == (200, 200), (changed.text, cover.text)
    assert changed.json()["stock"] == 7
