from datetime import UTC, datetime
from decimal import Decimal

import pytest

from app.notifications.mail import Mail
from app.orders import messages
from app.orders.models import OrderStatus
from app.orders.schemas import OrderItemPublic, OrderPublic
from app.users.models import User


@pytest.mark.parametrize(
    ("quantities", "copies"),
    [pytest.param([1], "1 copy", id="one_copy"), pytest.param([2, 1], "3 copies", id="three")],
)
def test_order_placed_names_the_order_its_copies_and_total(
    quantities: list[int], copies: str
) -> None:
    user = User(name="Chani", email="chani@example.com")
    order = OrderPublic(
        id=7,
        status=OrderStatus.PLACED,
        items=[
            OrderItemPublic(book_id=index + 1, quantity=quantity, unit_price=Decimal("5.5"))
            for index, quantity in enumerate(quantities)
        ],
        total=Decimal("16.5"),
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )

    assert messages.order_placed(user, order) == Mail(
        to="chani@example.com",
        subject="Your order 7 is placed",
        body=f"Hello Chani, your order 7 of {copies} is placed; the total is 16.50.",
    )
