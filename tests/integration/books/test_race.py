"""Creates with one ISBN at the same moment: the unique constraint decides, not a pre-check.

Needs real commits on separate connections (`committed_client`), so it is slower than the rest.
"""

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.books.models import Book
from app.core.config import Settings
from app.users.models import User
from tests.factories import UserFactory
from tests.support.host import bearer_headers
from tests.support.payloads.books import DUNE, DUNE_ISBN
from tests.support.races import racing_session_class


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
