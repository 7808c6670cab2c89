"""Orders racing for the same stock, on real commits and separate connections.

Every request gets its own session from `committed_db`, as in production; the sessions are made
to start together, so the race is run every time. PostgreSQL: the conditional stock UPDATEs take
row locks in book-id order, so writers wait for each other and never deadlock. SQLite: every
transaction is `BEGIN IMMEDIATE`, so writers queue for the database's one write lock.
"""

import asyncio
from collections.abc import Sequence
from typing import Any, Self

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.books.models import Book
from app.core.config import Settings
from app.orders.models import Order, OrderItem, OrderStatus
from app.users.models import User
from tests.factories import BookFactory, UserFactory
from tests.support.host import bearer_headers
from tests.support.payloads.orders import ALREADY_CANCELLED, insufficient_stock, order_body

Sessions = async_sessionmaker[AsyncSession]


def starting_together(parties: int) -> type[AsyncSession]:
    """An AsyncSession class whose sessions wait until `parties` of them are opened: no request
    is over before the last one begins."""
    start = asyncio.Barrier(parties)

    class StartingTogether(AsyncSession):
        async def __aenter__(self) -> Self:
            await start.wait()
            return await super().__aenter__()

    return StartingTogether


async def arrange_users(sessions: Sessions, count: int) -> list[User]:
    async with sessions() as session:
        users: list[User] = [UserFactory.build() for _ in range(count)]
        session.add_all(users)
        await session.commit()
    return users


async def arrange_books(sessions: Sessions, *stocks: int) -> list[int]:
    """Books with these stocks (of one new owner); their ids, ascending in the given order."""
    (owner,) = await arrange_users(sessions, 1)
    async with sessions() as session:
        books: list[Book] = [BookFactory.build(owner_id=owner.id, stock=s) for s in stocks]
        for book in books:
            session.add(book)
            await session.flush()
        await session.commit()
    return [book.id for book in books]


def stored(sessions: Sessions) -> AsyncSession:
    """A plain session on the same database, for reading back after the race."""
    return AsyncSession(sessions.kw["bind"])


async def stock_of(sessions: Sessions, book_ids: Sequence[int]) -> list[int]:
    async with stored(sessions) as session:
        rows = await session.execute(
            select(Book.stock).where(Book.id.in_(book_ids)).order_by(Book.id)
        )
        return list(rows.scalars())


async def placed_orders(sessions: Sessions) -> list[tuple[int, int]]:
    """(order id, copies) of every order still placed, by id."""
    async with stored(sessions) as session:
        rows = await session.execute(
            select(Order.id, func.sum(OrderItem.quantity))
            .join(OrderItem)
            .where(Order.status == OrderStatus.PLACED.value)
            .group_by(Order.id)
            .order_by(Order.id)
        )
        return [(order_id, int(copies)) for order_id, copies in rows]


async def order_count(sessions: Sessions) -> int:
    async with stored(sessions) as session:
        return await session.scalar(select(func.count()).select_from(Order)) or 0


def statuses(responses: Sequence[httpx.Response]) -> list[int]:
    return sorted(response.status_code for response in responses)


def bodies(responses: Sequence[httpx.Response], status: int) -> list[Any]:
    return [response.json() for response in responses if response.status_code == status]


async def test_twenty_buyers_of_five_copies_get_five_201s_and_fifteen_409s(
    committed_client: httpx.AsyncClient, committed_db: Sessions, settings: Settings
) -> None:
    (book_id,) = await arrange_books(committed_db, 5)
    buyers = await arrange_users(committed_db, 20)
    committed_db.class_ = starting_together(len(buyers))

    responses = await asyncio.gather(
        *(
            committed_client.post(
                "/orders",
                json=order_body([(book_id, 1)]),
                headers=bearer_headers(settings, buyer),
            )
            for buyer in buyers
        )
    )

    assert statuses(responses) == [201] * 5 + [409] * 15, [r.text for r in responses]
    assert bodies(responses, 409) == [insufficient_stock(book_id)] * 15
    assert await stock_of(committed_db, [book_id]) == [0]
    assert await order_count(committed_db) == 5
    assert await placed_orders(committed_db) == sorted(
        (response.json()["id"], 1) for response in responses if response.status_code == 201
    )


@pytest.mark.parametrize(
    ("stock", "placed"),
    [
        pytest.param(10, 10, id="enough_for_everyone"),
        pytest.param(3, 3, id="enough_for_three"),
    ],
)
async def test_orders_naming_two_books_in_opposite_orders_never_deadlock(
    committed_client: httpx.AsyncClient,
    committed_db: Sessions,
    settings: Settings,
    stock: int,
    placed: int,
) -> None:
    first, second = await arrange_books(committed_db, stock, stock)
    buyers = await arrange_users(committed_db, 10)
    committed_db.class_ = starting_together(len(buyers))
    lines = [[(first, 1), (second, 1)], [(second, 1), (first, 1)]]

    responses = await asyncio.gather(
        *(
            committed_client.post(
                "/orders", json=order_body(lines[i % 2]), headers=bearer_headers(settings, buyer)
            )
            for i, buyer in enumerate(buyers)
        )
    )

    refused = len(buyers) - placed
    assert statuses(responses) == [201] * placed + [409] * refused, [r.text for r in responses]
    # Lines are taken in book-id order: the first book always runs out first.
    assert bodies(responses, 409) == [insufficient_stock(first)] * refused
    assert await stock_of(committed_db, [first, second]) == [stock - placed] * 2
    assert [copies for _, copies in await placed_orders(committed_db)] == [2] * placed


async def test_cancels_racing_new_orders_keep_stock_equal_to_what_placed_orders_hold(
    committed_client: httpx.AsyncClient, committed_db: Sessions, settings: Settings
) -> None:
    (book_id,) = await arrange_books(committed_db, 5)
    early, late = await arrange_users(committed_db, 3), await arrange_users(committed_db, 6)
    early_orders = []
    for buyer in early:
        response = await committed_client.post(
            "/orders", json=order_body([(book_id, 1)]), headers=bearer_headers(settings, buyer)
        )
        assert response.status_code == 201, response.text
        early_orders.append((response.json()["id"], bearer_headers(settings, buyer)))
    committed_db.class_ = starting_together(len(early_orders) + len(late))

    cancels, orders = await asyncio.gather(
        asyncio.gather(
            *(
                committed_client.post(f"/orders/{order_id}/cancel", headers=headers)
                for order_id, headers in early_orders
            )
        ),
        asyncio.gather(
            *(
                committed_client.post(
                    "/orders",
                    json=order_body([(book_id, 1)]),
                    headers=bearer_headers(settings, buyer),
                )
                for buyer in late
            )
        ),
    )

    assert statuses(cancels) == [200] * 3, [r.text for r in cancels]
    succeeded = sorted(r.json()["id"] for r in orders if r.status_code == 201)
    refused = bodies(orders, 409)
    assert len(succeeded) + len(refused) == len(late), [r.text for r in orders]
    assert refused == [insufficient_stock(book_id)] * len(refused)
    still_placed = await placed_orders(committed_db)
    assert still_placed == [(order_id, 1) for order_id in succeeded]
    assert await stock_of(committed_db, [book_id]) == [5 - len(succeeded)]


async def test_two_cancels_of_one_order_give_one_200_and_one_409(
    committed_client: httpx.AsyncClient, committed_db: Sessions, settings: Settings
) -> None:
    first, second = await arrange_books(committed_db, 4, 6)
    (buyer,) = await arrange_users(committed_db, 1)
    headers = bearer_headers(settings, buyer)
    placed = await committed_client.post(
        "/orders", json=order_body([(first, 3), (second, 2)]), headers=headers
    )
    assert placed.status_code == 201, placed.text
    committed_db.class_ = starting_together(2)

    responses = await asyncio.gather(
        *(
            committed_client.post(f"/orders/{placed.json()['id']}/cancel", headers=headers)
            for _ in range(2)
        )
    )

    assert statuses(responses) == [200, 409], [r.text for r in responses]
    assert bodies(responses, 200) == [{**placed.json(), "status": "cancelled"}]
    assert bodies(responses, 409) == [ALREADY_CANCELLED]
    assert await stock_of(committed_db, [first, second]) == [4, 6]
    assert await placed_orders(committed_db) == []
