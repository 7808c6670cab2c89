"""Thin data fixtures over the factories: `await create_user(...)`, `await create_book(...)`,
`await create_order(buyer, items=[(book, 2)])`."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.books.models import Book
from app.orders.models import Order, OrderStatus
from app.users.models import User
from tests.factories import BookFactory, OrderFactory, OrderItemFactory, UserFactory, persist

CreateUser = Callable[..., Awaitable[User]]
CreateBook = Callable[..., Awaitable[Book]]
CreateOrder = Callable[..., Awaitable[Order]]


@pytest.fixture
def create_user(db_session: AsyncSession) -> CreateUser:
    async def create(**fields: Any) -> User:
        user: User = await persist(db_session, UserFactory, **fields)
        return user

    return create


@pytest.fixture
def create_book(db_session: AsyncSession, create_user: CreateUser) -> CreateBook:
    """A persisted book; its owner is a new customer unless `owner=` is given."""

    async def create(owner: User | None = None, **fields: Any) -> Book:
        owner = owner or await create_user()
        book: Book = await persist(db_session, BookFactory, owner_id=owner.id, **fields)
        return book

    return create


@pytest.fixture
def create_order(
    db_session: AsyncSession, create_user: CreateUser, create_book: CreateBook
) -> CreateOrder:
    """A persisted order, as placing it would leave things.

    `items` is `[(book, quantity), ...]` (default: one copy of a new book); each line takes the
    book's current price and the total adds them up. A placed order takes its copies from the
    books' stock (in the same commit), a cancelled one leaves stock as it is, so stock always
    equals what the orders account for. The buyer is a new customer unless `buyer=` is given.
    """

    async def create(
        buyer: User | None = None,
        items: Sequence[tuple[Book, int]] | None = None,
        status: OrderStatus = OrderStatus.PLACED,
        **fields: Any,
    ) -> Order:
        buyer = buyer or await create_user()
        lines = items if items is not None else [(await create_book(), 1)]
        if status == OrderStatus.PLACED:
            for book, quantity in lines:
                book.stock -= quantity
        order_items = [
            OrderItemFactory.build(book_id=book.id, quantity=quantity, unit_price=book.price)
            for book, quantity in sorted(lines, key=lambda line: line[0].id)
        ]
        order: Order = await persist(
            db_session,
            OrderFactory,
            user_id=buyer.id,
            status=status.value,
            items=order_items,
            total=sum(item.unit_price * item.quantity for item in order_items),
            **fields,
        )
        return order

    return create
