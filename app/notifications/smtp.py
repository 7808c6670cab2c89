"""Mail over SMTP (aiosmtplib), configured by one URL: `SMTP_URL`.

`smtp://user:password@host:587`: plain connection, upgraded with STARTTLS when the server
offers it (aiosmtplib's default). `smtps://user:password@host:465`: TLS from the first byte.
User and password are optional and percent-decoded. docs/outbound-services.md.
"""

from dataclasses import dataclass
from email.message import EmailMessage
from typing import Self
from urllib.parse import unquote, urlsplit

import aiosmtplib

from app.notifications.mail import Mail

_DEFAULT_PORTS = {"smtp": 587, "smtps": 465}


@dataclass(frozen=True, slots=True)
class SmtpTarget:
    host: str
    port: int
    use_tls: bool
    username: str | None = None
    password: str | None = None

    @classmethod
    def parse(cls, url: str) -> Self:
        """Raises ValueError naming what is wrong; the message never holds the password."""
        parts = urlsplit(url)
        if parts.scheme not in _DEFAULT_PORTS:
            raise ValueError(f"SMTP_URL must start with smtp:// or smtps://, not {parts.scheme!r}")
        if not parts.hostname:
            raise ValueError("SMTP_URL has no host")
        try:
            port = parts.port or _DEFAULT_PORTS[parts.scheme]
        except ValueError as exc:
            raise ValueError("SMTP_URL has an invalid port") from exc
        return cls(
            host=parts.hostname,
            port=port,
            use_tls=parts.scheme == "smtps",
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


class SmtpMailer:
    """Sends each mail in a connection of its own: mail is rare here, and no idle connection
    can go stale between sends."""

    def __init__(self, target: SmtpTarget, *, sender: str, timeout: float) -> None:
        self._target = target
        self._sender = sender
        self._timeout = timeout

    def message(self, mail: Mail) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = mail.to
        message["Subject"] = mail.subject
        message.set_content(mail.body)
        return message

    async def send(self, mail: Mail) -> None:
        target = self._target
        await aiosmtplib.send(
            self.message(mail),
            hostname=target.host,
            port=target.port,
            username=target.username,
            password=target.password,
            use_tls=target.use_tls,
            timeout=self._timeout,
        )
