"""The mails the app sends."""

from app.notifications.mailer import Mail
from app.users.models import User


def welcome(user: User) -> Mail:
    return Mail(
        to=user.email,
        subject="Welcome to the bookstore",
        body=f"Hello {user.name}, your account is ready.",
    )
