"""The mail an account gets (sent by app/notifications, composed here: issue 16, layers)."""

from app.notifications.mail import Mail
from app.users.models import User


def welcome(user: User) -> Mail:
    return Mail(
        to=user.email,
        subject="Welcome to the bookstore",
        body=f"Hello {user.name}, your account is ready.",
    )
