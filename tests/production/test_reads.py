"""Every read endpoint answers the deployed app's request as the kit's rolled-back client does
(issue 21): the same rows, read once through production's read path and engines, once through
the session override every other layer runs on.

The rows are committed once; the deployed app answers first, then the rolled-back client reads
the same rows in its transaction (on SQLite it holds the write lock from its first statement).
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import Settings
from app.users.models import User
from tests.factories import OrderFactory, OrderItemFactory, persist
from tests.support.host import bearer_headers
from tests.support.payloads.books import DUNE_ISBN
from tests.support.production import (
    Deployed,
    RolledBackClient,
    committed_book,
    committed_user,
)
from tests.support.uploads import tiny_png


@dataclass(frozen=True, slots=True)
class Read:
    path: str  # `{book}` is Dune's id, `{order}` the buyer's order's
    as_buyer: bool = False
    after_a_cover: bool = False


@dataclass(frozen=True, slots=True)
class Shelf:
    owner: User
    buyer: User
    dune_id: int
    order_id: int


Answer = tuple[int, Any, str | None]


async def answer(client: httpx.AsyncClient, read: Read, shelf: Shelf, settings: Settings) -> Answer:
    headers = bearer_headers(settings, shelf.buyer) if read.as_buyer else {}
    path = read.path.format(book=shelf.dune_id, order=shelf.order_id)
    response = await client.get(path, headers=headers)
    return response.status_code, response.json(), response.headers.get("X-Total-Count")


@pytest.fixture
async def shelf(committed_db: async_sessionmaker[AsyncSession]) -> Shelf:
    """Three books, one of them ordered by the buyer, committed."""
    owner = await committed_user(committed_db)
    buyer = await committed_user(committed_db)
    dune = await committed_book(committed_db, owner, title="Dune", isbn=DUNE_ISBN)
    await committed_book(committed_db, owner, title="Emma")
    await committed_book(committed_db, owner, title="Middlemarch")
    async with committed_db() as session:
        item = OrderItemFactory.build(book_id=dune.id, quantity=2, unit_price=Decimal("19.99"))
        order = await persist(
            session, OrderFactory, user_id=buyer.id, items=[item], total=Decimal("39.98")
        )
    return Shelf(owner, buyer, dune.id, order.id)


@pytest.mark.parametrize(
    "read",
    [
        pytest.param(Read("/books/{book}"), id="by_id"),
        pytest.param(Read("/books?skip=1&limit=2"), id="list"),
        pytest.param(Read("/books?q=dune"), id="search"),
        pytest.param(Read("/books/{book}", after_a_cover=True), id="cover_url"),
        pytest.param(Read("/orders", as_buyer=True), id="orders"),
        pytest.param(Read("/orders/{order}", as_buyer=True), id="order_by_id"),
        pytest.param(Read("/users/me", as_buyer=True), id="me"),
    ],
)
async def test_the_deployed_app_answers_as_the_rolled_back_client(
    read: Read,
    shelf: Shelf,
    deployed: Deployed,
    deployed_client: httpx.AsyncClient,
    rolled_back_client: RolledBackClient,
) -> None:
    if read.after_a_cover:
        uploaded = await deployed_client.put(
            f"/books/{shelf.dune_id}/cover",
            files={"file": ("cover.png", tiny_png(), "image/png")},
            headers=bearer_headers(deployed.settings, shelf.owner),
        )
        assert uploaded.status_code == 200, uploaded.text

    deployed_answer = await answer(deployed_client, read, shelf, deployed.settings)
    async with rolled_back_client() as client:
        rolled_back_answer = await answer(client, read, shelf, deployed.settings)

    assert deployed_answer[0] == 200, deployed_answer
    assert deployed_answer == rolled_back_answer
