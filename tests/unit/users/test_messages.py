from app.notifications.mail import Mail
from app.users import messages
from app.users.models import User


def test_welcome_greets_the_user_by_name_at_their_email() -> None:
    user = User(name="Ada Lovelace", email="ada@example.com")

    assert messages.welcome(user) == Mail(
        to="ada@example.com",
        subject="Welcome to the bookstore",
        body="Hello Ada Lovelace, your account is ready.",
    )
