"""Outbound mail (placeholder: the log mailer; a real transport comes with SMTP_URL)."""

import logging
from dataclasses import dataclass
from typing import Annotated, Protocol

from fastapi import Depends, Request

from app.core.config import Settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Mail:
    to: str
    subject: str
    body: str


class Mailer(Protocol):
    async def send(self, mail: Mail) -> None: ...


class LogMailer:
    """Writes mail to the log instead of sending it (SMTP_URL unset).

    Recipient and subject only: a body can hold what logs must not (reset links, order details).
    """

    async def send(self, mail: Mail) -> None:
        logger.info("mail to=%s subject=%s", mail.to, mail.subject)


def build_mailer(settings: Settings) -> Mailer:
    """The app's mailer; always the log mailer until the SMTP transport lands."""
    return LogMailer()


async def send_quietly(mailer: Mailer, mail: Mail) -> None:
    """Sends `mail`; a failure is logged (recipient and subject, never the body) and swallowed.

    For sends after the response (background tasks): the request has already succeeded, and a
    failed send must change nothing else (API.md, "Mail").
    """
    try:
        await mailer.send(mail)
    except Exception:
        logger.exception("mail to=%s subject=%s failed", mail.to, mail.subject)


def get_mailer(request: Request) -> Mailer:
    mailer: Mailer = request.app.state.mailer
    return mailer


MailerDep = Annotated[Mailer, Depends(get_mailer)]
