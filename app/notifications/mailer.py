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
    """Writes mail to the log instead of sending it (SMTP_URL unset)."""

    async def send(self, mail: Mail) -> None:
        logger.info("mail to=%s subject=%s", mail.to, mail.subject)


def build_mailer(settings: Settings) -> Mailer:
    return LogMailer()


def get_mailer(request: Request) -> Mailer:
    mailer: Mailer = request.app.state.mailer
    return mailer


MailerDep = Annotated[Mailer, Depends(get_mailer)]
