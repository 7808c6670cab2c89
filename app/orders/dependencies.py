from typing import Annotated

from fastapi import Depends, Path

from app.core.db import MAX_ID, SessionDep
from app.orders import repository, service
from app.orders.exceptions import OrderNotFound
from app.orders.models import Order
from app.users.dependencies import CurrentUser

OrderId = Annotated[int, Path(ge=1, le=MAX_ID)]


async def visible_order(session: SessionDep, user: CurrentUser, order_id: OrderId) -> Order:
    order = await repository.get(session, order_id)
    if order is None:
        raise OrderNotFound
    service.ensure_can_see(order, user)
    return order


VisibleOrder = Annotated[Order, Depends(visible_order)]
