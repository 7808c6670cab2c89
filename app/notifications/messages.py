"""The mails the app sends."""

from app.notifications.mail import Mail
from app.orders.schemas import OrderPublic
from app.users.models import User


def welcome(user: User) -> Mail:
    return Mail(
        to=user.email,
        subject="Welcome to the bookstore",
        body=f"Hello {user.name}, your account is ready.",
    )


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
