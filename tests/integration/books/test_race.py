"""Creates with one ISBN at the same moment: the unique constraint decides, not a pre-check.

Needs real commits on separate connections (`committed_client`), so it is slower than the rest.
"""

import asyncio
import contextlib
from typing import Any, Self

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.books.models import Book
from app.core.config import Settings
from app.users.models import User
from tests.factories import UserFactory
from tests.integration.books.payloads import DUNE, DUNE_ISBN
from tests.support.host import bearer_headers


def racing_session_class(parties: int, *, meet_at_commit: bool) -> type[AsyncSession]:
    """An AsyncSession class that lines up `parties` racing requests, so the race is run every time.

    All sessions start together (no request is done before the next one begins). With
    `meet_at_commit`, `commit()` also waits until every session got there: each request has then
    done all its reads, a pre-check say, before any of them writes. A session that ends without
    committing (a request refused early) breaks the barrier, so the others never wait for ever.
    """
    start, commit = asyncio.Barrier(parties), asyncio.Barrier(parties)

    class RacingSession(AsyncSession):
        reached_commit = False

        async def __aenter__(self) -> Self:
            await start.wait()
            return await super().__aenter__()

        async def commit(self) -> None:
            self.reached_commit = True
            if meet_at_commit:
                with contextlib.suppress(asyncio.BrokenBarrierError):
                    await commit.wait()
            await super().commit()

        async def close(self) -> None:
            if not self.reached_commit:
                await commit.abort()
            await super().close()

    return RacingSession


@pytest.mark.parametrize(
    "racers",
    [
        pytest.param(2, id="two_requests"),
        # More racers: on SQLite, transactions that read before they write then surely collide.
        pytest.param(5, id="five_requests"),
    ],
)
async def test_racing_creates_with_one_isbn_give_one_201_and_409s(
    committed_client: httpx.AsyncClient,
    committed_db: async_sessionmaker[AsyncSession],
    settings: Settings,
    racers: int,
) -> None:
    async with committed_db() as session:
        user: User = UserFactory.build()
        session.add(user)
        await session.commit()
    headers = bearer_headers(settings, user)
    # From here on, the sessions committed_client hands to requests start together; on
    # PostgreSQL they also meet at commit(). SQLite lets one writer in at a time, so two
    # transactions that have both written can never both stand at commit there.
    engine = committed_db.kw["bind"]
    concurrent_writers = engine.dialect.name == "postgresql"
    committed_db.class_ = racing_session_class(parties=racers, meet_at_commit=concurrent_writers)

    responses = await asyncio.gather(
        *(committed_client.post("/books", json=DUNE, headers=headers) for _ in range(racers))
    )

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (racers - 1), [r.text for r in responses]
    created, *refused = sorted(responses, key=lambda r: r.status_code)
    assert [r.json() for r in refused] == [
        {"detail": f"Book with ISBN {DUNE_ISBN} already exists"}
    ] * (racers - 1)
    async with async_sessionmaker(engine)() as session:
        stored: list[Any] = list(await session.execute(select(Book.id, Book.isbn, Book.owner_id)))
    assert [tuple(row) for row in stored] == [(created.json()["id"], DUNE_ISBN, user.id)]
