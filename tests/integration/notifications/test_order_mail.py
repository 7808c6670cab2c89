"""The order-placed notice: sent after the response, and a failed send undoes nothing.

Techniques: the `mailer` fixture (a `RecordingMailer` installed by dependency override) for what
is sent; an ASGI wrapper around the app for *when* (how many mails existed once the response
body was complete); a `FailingMailer` plus a look at the database for "the order stays placed".
"""

import logging
from collections.abc import AsyncIterator
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.books.models import Book
from app.core.config import Settings
from app.notifications.mail import Mail
from app.notifications.mailer import get_mailer
from app.orders.models import Order, OrderStatus
from app.users.models import User
from tests.fixtures.app import BASE_URL, Overrides
from tests.support.data import CreateBook, CreateUser
from tests.support.fakes import FailingMailer, RecordingMailer
from tests.support.host import bearer_headers


def notice(buyer: User, order_id: int) -> Mail:
    return Mail(
        to=buyer.email,
        subject=f"Your order {order_id} is placed",
        body=f"Hello {buyer.name}, your order {order_id} of 3 copies is placed; "
        "the total is 59.97.",
    )


async def place_three_copies(
    client: httpx.AsyncClient, settings: Settings, buyer: User, book: Book
) -> int:
    response = await client.post(
        "/orders",
        json={"items": [{"book_id": book.id, "quantity": 3}]},
        headers=bearer_headers(settings, buyer),
    )
    assert response.status_code == 201, response.text
    order_id: int = response.json()["id"]
    return order_id


class CompletionCounter:
    """ASGI wrapper noting how many mails had been sent when each response body was complete."""

    def __init__(self, app: ASGIApp, mailer: RecordingMailer) -> None:
        self.app = app
        self.mailer = mailer
        self.sent_at_completion: list[int] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def counting_send(message: Message) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                self.sent_at_completion.append(len(self.mailer.sent))

        await self.app(scope, receive, counting_send)


@pytest.fixture
async def counted(
    running_app: ASGIApp, mailer: RecordingMailer
) -> AsyncIterator[tuple[httpx.AsyncClient, CompletionCounter]]:
    counter = CompletionCounter(running_app, mailer)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=counter), base_url=BASE_URL
    ) as counted_client:
        yield counted_client, counter


async def test_the_buyer_gets_one_notice_after_the_response(
    counted: tuple[httpx.AsyncClient, CompletionCounter],
    mailer: RecordingMailer,
    settings: Settings,
    create_user: CreateUser,
    create_book: CreateBook,
) -> None:
    client, counter = counted
    buyer = await create_user(name="Chani", email="chani@example.com")
    book = await create_book(price=Decimal("19.99"), stock=5)

    order_id = await place_three_copies(client, settings, buyer, book)

    assert counter.sent_at_completion == [0]  # nothing was sent before the response was done
    assert mailer.sent == [notice(buyer, order_id)]


@pytest.mark.auth("customer")
async def test_a_refused_order_sends_nothing(
    auth_client: httpx.AsyncClient,
    mailer: RecordingMailer,
    create_book: CreateBook,
) -> None:
    book = await create_book(stock=2)

    response = await auth_client.post(
        "/orders",
        json={"items": [{"book_id": book.id, "quantity": 3}]},
    )

    assert response.status_code == 409, response.text
    assert mailer.sent == []


async def test_a_failing_sender_leaves_the_order_placed_and_the_stock_taken(
    client: httpx.AsyncClient,
    override: Overrides,
    settings: Settings,
    db_session: AsyncSession,
    create_user: CreateUser,
    create_book: CreateBook,
    caplog: pytest.LogCaptureFixture,
) -> None:
    failing = FailingMailer()
    override(get_mailer, lambda: failing)
    buyer = await create_user(name="Chani", email="chani@example.com")
    book = await create_book(price=Decimal("19.99"), stock=5)

    order_id = await place_three_copies(client, settings, buyer, book)

    orders = await db_session.execute(select(Order.id, Order.status, Order.total))
    assert orders.all() == [(order_id, OrderStatus.PLACED, Decimal("59.97"))]
    assert await db_session.scalar(select(Book.stock).where(Book.id == book.id)) == 2
    assert failing.attempted == [notice(buyer, order_id)]
    assert [
        record for record in caplog.record_tuples if record[0] == "app.notifications.mailer"
    ] == [
        (
            "app.notifications.mailer",
            logging.ERROR,
            f"mail to=chani@example.com subject=Your order {order_id} is placed failed",
        )
    ]
    assert "59.97" not in caplog.text  # the body (order details) never reaches the log
