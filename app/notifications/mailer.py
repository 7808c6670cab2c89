"""Outbound mail: the `Mailer` dependency (this app's EmailSender), sent after the response.

The log mailer when `SMTP_URL` is unset, SMTP (app/notifications/smtp.py) when it is set.
"""

import logging
from typing import Annotated, Protocol

from fastapi import Depends, Request

from app.core.config import Settings
from app.notifications.mail import Mail
from app.notifications.smtp import SmtpMailer, SmtpTarget

logger = logging.getLogger(__name__)


class Mailer(Protocol):
    async def send(self, mail: Mail) -> None: ...


class LogMailer:
    """Writes mail to the log instead of sending it (SMTP_URL unset).

    Recipient and subject only: a body can hold what logs must not (reset links, order details).
    """

    async def send(self, mail: Mail) -> None:
        logger.info("mail to=%s subject=%s", mail.to, mail.subject)


def build_mailer(settings: Settings) -> Mailer:
    """SMTP when `SMTP_URL` is set (a bad URL stops the start-up), else the log mailer."""
    if settings.smtp_url is None:
        return LogMailer()
    target = SmtpTarget.parse(settings.smtp_url.get_secret_value())
    return SmtpMailer(target, sender=settings.mail_from, timeout=settings.smtp_timeout_seconds)


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
