"""The upload folder holds exactly the files rows point to (issue 15, finding 7).

Concurrent cover replacements each remove the file the row named *when they committed*, not
the one they saw earlier; deleting a book removes its cover; a replacement that loses to the
book's deletion keeps nothing. Every save of a burst meets the others first (`Rendezvous`), so
each request has read what it reads before storing when the first one stores.
"""

import asyncio
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.books.models import Book
from app.core.config import Settings
from app.files.dependencies import get_storage
from app.files.models import StoredFile
from app.files.storage import LocalFileStorage
from app.main import create_app
from app.users.models import User
from tests.factories import BookFactory, UserFactory, persist
from tests.support.held_storage import MeetingStorage
from tests.support.host import bearer_headers
from tests.support.live_server import Serve
from tests.support.rendezvous import Rendezvous
from tests.support.uploads import TINY_JPEG, tiny_png

REQUEST_DEADLINE_SECONDS = 60.0
REPLACEMENTS = 6

Serving = Callable[[], tuple[str, Rendezvous]]


@pytest.fixture
async def owner(committed_db: async_sessionmaker[AsyncSession]) -> User:
    async with committed_db() as session:
        created: User = await persist(session, UserFactory)
        return created


@pytest.fixture
def serving(production_settings: Settings, serve: Serve) -> Serving:
    """`serving()`: a live API whose saves meet at the rendezvous; its URL and rendezvous."""

    def start() -> tuple[str, Rendezvous]:
        app = create_app(production_settings)
        rendezvous = Rendezvous()
        storage = LocalFileStorage(production_settings.upload_dir)
        app.dependency_overrides[get_storage] = lambda: MeetingStorage(storage, rendezvous)
        return serve(rendezvous.app(app)), rendezvous

    return start


async def new_book(committed_db: async_sessionmaker[AsyncSession], owner: User) -> int:
    async with committed_db() as session:
        book: Book = await persist(session, BookFactory, owner_id=owner.id)
        return book.id


async def stored_names(committed_db: async_sessionmaker[AsyncSession]) -> set[str]:
    """Every storage name a row points to."""
    async with committed_db() as session:
        covers = await session.scalars(
            select(Book.cover_storage_name).where(Book.cover_storage_name.is_not(None))
        )
        files = await session.scalars(select(StoredFile.storage_name))
        return {name for name in [*covers, *files] if name is not None}


def on_disk(settings: Settings) -> set[str]:
    folder = Path(settings.upload_dir)
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


def client(base_url: str, settings: Settings, owner: User) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=base_url,
        headers=bearer_headers(settings, owner),
        timeout=REQUEST_DEADLINE_SECONDS,
        limits=httpx.Limits(max_connections=REPLACEMENTS + 1),
    )


def cover(index: int) -> dict[str, tuple[str, bytes]]:
    return {"file": (f"cover-{index}.png", tiny_png() + bytes(index))}


async def test_concurrent_replacements_leave_one_file(
    production_settings: Settings,
    committed_db: async_sessionmaker[AsyncSession],
    owner: User,
    serving: Serving,
) -> None:
    book_id = await new_book(committed_db, owner)
    base_url, rendezvous = serving()
    async with client(base_url, production_settings, owner) as api:
        first = await api.put(f"/books/{book_id}/cover", files={"file": ("a.jpg", TINY_JPEG)})
        assert first.status_code == 200, first.text

        rendezvous.expect(REPLACEMENTS)
        answers = await asyncio.gather(
            *(api.put(f"/books/{book_id}/cover", files=cover(i)) for i in range(REPLACEMENTS))
        )

    assert Counter(answer.status_code for answer in answers) == {200: REPLACEMENTS}
    assert on_disk(production_settings) == await stored_names(committed_db)
    assert len(on_disk(production_settings)) == 1


async def test_deleting_a_book_removes_its_cover(
    production_settings: Settings,
    committed_db: async_sessionmaker[AsyncSession],
    owner: User,
    serving: Serving,
) -> None:
    book_id = await new_book(committed_db, owner)
    base_url, _ = serving()
    async with client(base_url, production_settings, owner) as api:
        put = await api.put(f"/books/{book_id}/cover", files=cover(0))
        assert put.status_code == 200, put.text

        deleted = await api.delete(f"/books/{book_id}")

    assert deleted.status_code == 204, deleted.text
    assert on_disk(production_settings) == set()


async def test_replacements_racing_a_deletion_keep_no_file(
    production_settings: Settings,
    committed_db: async_sessionmaker[AsyncSession],
    owner: User,
    serving: Serving,
) -> None:
    book_id = await new_book(committed_db, owner)
    replacements = REPLACEMENTS - 1
    base_url, rendezvous = serving()
    async with client(base_url, production_settings, owner) as api:
        put = await api.put(f"/books/{book_id}/cover", files=cover(0))
        assert put.status_code == 200, put.text

        rendezvous.expect(replacements + 1)
        *answers, deleted = await asyncio.gather(
            *(api.put(f"/books/{book_id}/cover", files=cover(i)) for i in range(replacements)),
            api.delete(f"/books/{book_id}"),
        )

    assert deleted.status_code == 204, deleted.text
    assert {answer.status_code for answer in answers} <= {200, 404}
    assert on_disk(production_settings) == set()
    assert await stored_names(committed_db) == set()
