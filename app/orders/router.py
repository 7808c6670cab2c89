from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query, Request, Response, status

from app.core.db import SessionDep
from app.core.errors import BEARER_ERRORS, BODY_ERRORS, error_responses
from app.core.events import EventBusDep
from app.core.pagination import PageDep, set_page_headers
from app.notifications.mailer import MailerDep, send_quietly
from app.orders import messages, service
from app.orders.dependencies import VisibleOrder
from app.orders.schemas import OrderCreate, OrderPublic
from app.users.dependencies import CurrentUser

router = APIRouter(prefix="/orders", tags=["orders"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(*BODY_ERRORS, *BEARER_ERRORS, 404, 409),
)
async def place_order(
    session: SessionDep,
    bus: EventBusDep,
    mailer: MailerDep,
    background: BackgroundTasks,
    user: CurrentUser,
    body: OrderCreate,
) -> OrderPublic:
    order = OrderPublic.model_validate(await service.place(session, bus, user, body))
    background.add_task(send_quietly, mailer, messages.order_placed(user, order))
    return order


@router.get("", responses=error_responses(*BEARER_ERRORS))
async def list_orders(
    session: SessionDep,
    user: CurrentUser,
    page: PageDep,
    request: Request,
    response: Response,
    all_orders: Annotated[bool, Query(alias="all")] = False,
) -> list[OrderPublic]:
    """The caller's orders; admins may ask for everyone's with `?all=true`."""
    orders, total = await service.list_page(
        session, user, everyone=all_orders, skip=page.skip, limit=page.limit
    )
    set_page_headers(request, response, page, total)
    return [OrderPublic.model_validate(order) for order in orders]


@router.get("/{order_id}", responses=error_responses(*BEARER_ERRORS, 404))
async def read_order(order: VisibleOrder) -> OrderPublic:
    return OrderPublic.model_validate(order)


@router.post("/{order_id}/cancel", responses=error_responses(*BEARER_ERRORS, 404, 409))
async def cancel_order(session: SessionDep, order: VisibleOrder) -> OrderPublic:
    return OrderPublic.model_validate(await service.cancel(session, order))
