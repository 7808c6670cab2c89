"""Orders. The stock they move is the books repository's (take_stock, return_stock)."""

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.orders.models import Order, OrderStatus


async def mark_cancelled(session: AsyncSession, order_id: int) -> bool:
    """True for the one caller that moved the order from placed to cancelled."""
    result = await session.execute(
        update(Order)
        .where(Order.id == order_id, Order.status == OrderStatus.PLACED.value)
        .values(status=OrderStatus.CANCELLED.value)
    )
    return cast(CursorResult[Any], result).rowcount == 1


async def get(session: AsyncSession, order_id: int) -> Order | None:
    return await session.get(Order, order_id)


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
