from decimal import Decimal

import factory

from app.orders.models import Order, OrderItem, OrderStatus


class OrderFactory(factory.Factory):
    """Needs `user_id` (a persisted user's id); give `items` and a `total` that adds them up."""

    class Meta:
        model = Order

    status = OrderStatus.PLACED.value
    total = Decimal("0.00")
    items = factory.LazyFunction(list)


class OrderItemFactory(factory.Factory):
    """Needs `book_id`; built into an order's `items`, which sets `order_id` on persist."""

    class Meta:
        model = OrderItem

    quantity = 1
    unit_price = Decimal("19.99")
