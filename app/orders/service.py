"""Placing and cancelling orders: all-or-nothing, stock moved by conditional UPDATEs.

Lines are handled in book-id order, so two orders that share books take their row locks in
the same order and cannot deadlock each other.
"""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from app.books import repository as books
from app.books.exceptions import BookNotFound
from app.core.errors import NotFound
from app.core.events import DomainEvent, EventBus
from app.orders import repository
from app.orders.exceptions import (
    InsufficientStock,
    OrderAlreadyCancelled,
    OrderNotFound,
    StockLimitReached,
)
from app.orders.models import Order, OrderItem
from app.orders.schemas import OrderCreate, OrderPublic
from app.users.exceptions import AdminRequired
from app.users.models import Role, User


def ensure_can_see(order: Order, user: User) -> None:
    """Anyone but the buyer and admins gets 404: whether the order exists is not revealed."""
    if order.user_id != user.id and user.role != Role.ADMIN:
        raise OrderNotFound


async def list_page(
    session: AsyncSession, user: User, *, everyone: bool, skip: int, limit: int
) -> tuple[Sequence[Order], int]:
    """The user's orders, or everyone's (`?all=true`), which only admins may ask for."""
    if everyone and user.role != Role.ADMIN:
        raise AdminRequired
    owner = None if everyone else user.id
    return await repository.list_page(session, user_id=owner, skip=skip, limit=limit)


async def _unavailable(session: AsyncSession, book_id: int) -> NotFound | InsufficientStock:
    if await books.book_exists(session, book_id):
        return InsufficientStock(book_id)
    return BookNotFound()


async def place(session: AsyncSession, bus: EventBus, buyer: User, data: OrderCreate) -> Order:
    buyer_id = buyer.id
    items = []
    for line in sorted(data.items, key=lambda line: line.book_id):
        price = await books.take_stock(session, line.book_id, line.quantity)
        if price is None:
            error = await _unavailable(session, line.book_id)
            await session.rollback()  # every stock taken so far goes back
            raise error
        items.append(OrderItem(book_id=line.book_id, quantity=line.quantity, unit_price=price))
    order = Order(
        user_id=buyer_id, total=sum(item.unit_price * item.quantity for item in items), items=items
    )
    session.add(order)
    await session.commit()
    public = OrderPublic.model_validate(order).model_dump(mode="json")
    await bus.publish(DomainEvent("order.placed", {"order": public}, recipient_id=buyer_id))
    return order


async def cancel(session: AsyncSession, order: Order) -> Order:
    """All or nothing: a line whose stock cannot take its copies back (409) rolls back the
    status and every line restored before it."""
    if not await repository.mark_cancelled(session, order.id):
        await session.rollback()
        raise OrderAlreadyCancelled
    for item in order.items:  # already in book-id order
        if not await books.return_stock(session, item.book_id, item.quantity):
            book_id = item.book_id
            await session.rollback()
            raise StockLimitReached(book_id)
    await session.commit()
    return order
