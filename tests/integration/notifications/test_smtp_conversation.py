"""Mail over a real SMTP conversation with aiosmtpd on loopback, port chosen by the OS.

Technique: a real server for the protocol. `aiosmtpd`'s SMTP handler is served with
`loop.create_server(..., "127.0.0.1", 0)` on the test's own event loop (no thread, no fixed
port); the app, configured with `SMTP_URL` pointing at it, registers a user and the test reads
the envelope and message the server received, including the AUTH login it checked.
"""

import asyncio
import email
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

import aiosmtplib
import httpx
import pytest
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from pydantic import SecretStr

from app.core.config import Settings
from app.notifications.mail import Mail
from app.notifications.smtp import SmtpMailer, SmtpTarget

LOGIN = ("shop@example.com", "p@ss word")


@dataclass
class Received:
    sender: str
    recipients: list[str]
    login: str
    message: Message


@dataclass
class Inbox:
    """aiosmtpd's handler: keeps every message it is given."""

    port: int = 0
    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        assert isinstance(session.auth_data, LoginPassword)
        self.received.append(
            Received(
                sender=str(envelope.mail_from),
                recipients=list(envelope.rcpt_tos),
                login=session.auth_data.login.decode(),
                message=email.message_from_bytes(envelope.content),
            )
        )
        return "250 OK"


def check_login(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    expected = LoginPassword(LOGIN[0].encode(), LOGIN[1].encode())
    # handled=False: aiosmtpd sends the 235/535 reply itself; auth_data lands on the session.
    return AuthResult(success=auth_data == expected, handled=False, auth_data=auth_data)


@pytest.fixture
async def inbox() -> AsyncIterator[Inbox]:
    inbox = Inbox()
    # Plain-text AUTH is fine on loopback only; a real server would require TLS first. Not
    # `auth_required=True`: aiosmtpd warns about it without TLS (and warnings are errors here);
    # the handler asserts that a login happened instead.
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(
            inbox,
            loop=loop,  # aiosmtpd's own guess may pick another loop under pytest-asyncio
            hostname="smtp.test",
            authenticator=check_login,
            auth_require_tls=False,
        ),
        "127.0.0.1",
        0,
    )
    inbox.port = server.sockets[0].getsockname()[1]
    async with server:
        yield inbox


@pytest.fixture
def settings(settings: Settings, inbox: Inbox) -> Settings:
    user, password = (part.replace("@", "%40").replace(" ", "%20") for part in LOGIN)
    url = f"smtp://{user}:{password}@127.0.0.1:{inbox.port}"
    return settings.model_copy(
        update={"smtp_url": SecretStr(url), "mail_from": "bookstore@example.com"}
    )


async def test_registration_delivers_the_welcome_mail_over_smtp(
    client: httpx.AsyncClient, inbox: Inbox
) -> None:
    response = await client.post(
        "/auth/register",
        json={"name": "Ada Lovelace", "email": "ada@example.com", "password": "correct horse"},
    )

    assert response.status_code == 201, response.text
    [received] = inbox.received
    assert (received.sender, received.recipients, received.login) == (
        "bookstore@example.com",
        ["ada@example.com"],
        "shop@example.com",
    )
    message = received.message
    assert (message["From"], message["To"], message["Subject"]) == (
        "bookstore@example.com",
        "ada@example.com",
        "Welcome to the bookstore",
    )
    assert message.get_payload() == "Hello Ada Lovelace, your account is ready.\r\n"  # wire form


async def test_a_wrong_password_is_refused_by_the_server(inbox: Inbox) -> None:
    target = SmtpTarget("127.0.0.1", inbox.port, use_tls=False, username=LOGIN[0], password="no")
    mailer = SmtpMailer(target, sender="bookstore@example.com", timeout=5)

    with pytest.raises(aiosmtplib.SMTPAuthenticationError):
        await mailer.send(Mail(to="ada@example.com", subject="Hi", body="Hello."))

    assert inbox.received == []
