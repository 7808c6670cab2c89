"""The mail a buyer gets about an order (sent by app/notifications, composed here: issue 16,
layers)."""

from app.notifications.mail import Mail
from app.orders.schemas import OrderPublic
from app.users.models import User


def order_placed(user: User, order: OrderPublic) -> Mail:
    copies = sum(item.quantity for item in order.items)
    return Mail(
        to=user.email,
        subject=f"Your order {order.id} is placed",
        body=(
            f"Hello {user.name}, your order {order.id} of {copies} "
            f"{'copy' if copies == 1 else 'copies'} is placed; the total is {order.total:.2f}."
        ),
    )
