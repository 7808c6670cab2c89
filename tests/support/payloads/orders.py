"""Expected order bodies, arranged orders and rows read back, for the Orders router tests."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dirty_equals import IsInt
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import State

from app.books.models import Book
from app.core.events import DomainEvent, InProcessEventBus
from app.orders.models import Order, OrderItem
from tests.support.payloads.books import RECENT_UTC_TIMESTAMP, utc_json

NOT_AUTHENTICATED = {"detail": "Not authenticated"}
ORDER_NOT_FOUND = {"detail": "Order not found"}
BOOK_NOT_FOUND = {"detail": "Book not found"}
ADMIN_REQUIRED = {"detail": "Admin access required"}
ALREADY_CANCELLED = {"detail": "Order is already cancelled"}


def insufficient_stock(book_id: int) -> dict[str, str]:
    return {"detail": f"Insufficient stock for book {book_id}"}


def line(book_id: int, quantity: int, unit_price: str) -> dict[str, Any]:
    """One line of an `OrderPublic`; the price written as a string to keep it exact here."""
    return {"book_id": book_id, "quantity": quantity, "unit_price": float(Decimal(unit_price))}


def new_order(items: list[dict[str, Any]], total: str, status: str = "placed") -> dict[str, Any]:
    """The `OrderPublic` of an order this request wrote: a new id, a recent timestamp."""
    return {
        "id": IsInt(gt=0),
        "status": status,
        "items": items,
        "total": float(Decimal(total)),
        "created_at": RECENT_UTC_TIMESTAMP,
    }


def order_public(order: Order, status: str | None = None) -> dict[str, Any]:
    """The `OrderPublic` the API must send for a stored `order` (call it before the request)."""
    return {
        "id": order.id,
        "status": status or order.status,
        "items": [
            {
                "book_id": item.book_id,
                "quantity": item.quantity,
                "unit_price": float(item.unit_price),
            }
            for item in order.items
        ],
        "total": float(order.total),
        "created_at": utc_json(order.created_at),
    }


async def stocks(session: AsyncSession) -> dict[int, int]:
    """Every book's stock as stored, by id (a Core select: the identity map may be stale)."""
    rows = await session.execute(select(Book.id, Book.stock).order_by(Book.id))
    return {row.id: row.stock for row in rows}


async def order_rows(session: AsyncSession) -> list[tuple[int, int, str, Decimal]]:
    """Every order as stored: (id, user_id, status, total), by id."""
    rows = await session.execute(
        select(Order.id, Order.user_id, Order.status, Order.total).order_by(Order.id)
    )
    return [(order_id, user_id, status, total) for order_id, user_id, status, total in rows]


async def item_rows(session: AsyncSession) -> list[tuple[int, int, int, Decimal]]:
    """Every order line as stored: (order_id, book_id, quantity, unit_price), by id."""
    rows = await session.execute(
        select(
            OrderItem.order_id, OrderItem.book_id, OrderItem.quantity, OrderItem.unit_price
        ).order_by(OrderItem.id)
    )
    return [(order_id, book_id, quantity, price) for order_id, book_id, quantity, price in rows]


def order_body(lines: Iterable[tuple[int, int]]) -> dict[str, Any]:
    """A POST /orders body from (book_id, quantity) pairs, in the given order."""
    return {"items": [{"book_id": book_id, "quantity": quantity} for book_id, quantity in lines]}


@dataclass
class RecordedEvents:
    """A subscriber that keeps every event the app's bus delivers, in order."""

    events: list[DomainEvent] = field(default_factory=list)

    async def __call__(self, event: DomainEvent) -> None:
        self.events.append(event)


def record_events(state: State) -> RecordedEvents:
    """Subscribes a recorder to the bus on `app.state` (the test's own app, so nothing leaks)."""
    bus: InProcessEventBus = state.event_bus
    recorder = RecordedEvents()
    bus.subscribe(recorder)
    return recorder
