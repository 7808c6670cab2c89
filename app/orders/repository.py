"""Orders and the stock they move. Stock changes are single conditional UPDATEs, never
read-modify-write, so concurrent orders cannot oversell."""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.books.models import MAX_STOCK, Book
from app.orders.models import Order, OrderItem, OrderStatus


async def take_stock(session: AsyncSession, book_id: int, quantity: int) -> Decimal | None:
    """Takes `quantity` copies if that many are left; the book's price, or None if not."""
    result = await session.execute(
        update(Book)
        .where(Book.id == book_id, Book.stock >= quantity)
        .values(stock=Book.stock - quantity)
        .returning(Book.price)
    )
    return result.scalar_one_or_none()


async def return_stock(session: AsyncSession, book_id: int, quantity: int) -> bool:
    """Puts `quantity` copies back unless the stock would pass its column's range; True if so."""
    result = await session.execute(
        update(Book)
        .where(Book.id == book_id, Book.stock <= MAX_STOCK - quantity)
        .values(stock=Book.stock + quantity)
    )
    return cast(CursorResult[Any], result).rowcount == 1


async def book_exists(session: AsyncSession, book_id: int) -> bool:
    return await session.scalar(select(Book.id).where(Book.id == book_id)) is not None


async def mark_cancelled(session: AsyncSession, order_id: int) -> bool:
    """True for the one caller that moved the order from placed to cancelled."""
    result = await session.execute(
        update(Order)
        .where(Order.id == order_id, Order.status == OrderStatus.PLACED.value)
        .values(status=OrderStatus.CANCELLED.value)
    )
    return cast(CursorResult[Any], result).rowcount == 1


async def get(session: AsyncSession, order_id: int) -> Order | None:
    return await session.get(Order, order_id, populate_existing=True)


async def book_has_orders(session: AsyncSession, book_id: int) -> bool:
    query = select(OrderItem.id).where(OrderItem.book_id == book_id).limit(1)
    return await session.scalar(query) is not None


async def list_page(
    session: AsyncSession, *, user_id: int | None, skip: int, limit: int
) -> tuple[Sequence[Order], int]:
    """Orders by id; only `user_id`'s unless it is None (everyone's)."""
    conditions = [] if user_id is None else [Order.user_id == user_id]
    total = await session.scalar(select(func.count()).select_from(Order).where(*conditions))
    result = await session.scalars(
        select(Order).where(*conditions).order_by(Order.id).offset(skip).limit(limit)
    )
    return result.all(), total or 0
