"""Fakes for the app's outbound services, and the fixtures that install them.

async def test_register_sends_a_welcome_mail(client, mailer):
    await client.post("/auth/register", json=...)
    assert mailer.sent == [Mail(to=..., subject=..., body=...)]
"""

from dataclasses import dataclass, field

import pytest

from app.notifications.mailer import Mail, get_mailer
from tests.fixtures.app import Overrides


@dataclass
class RecordingMailer:
    """Keeps every mail it is asked to send, in order, and sends nothing."""

    sent: list[Mail] = field(default_factory=list)

    async def send(self, mail: Mail) -> None:
        self.sent.append(mail)


@dataclass
class FailingMailer:
    """Raises `error` on every send, as an unreachable mail server would; keeps the attempts.

    `error` may be any BaseException, so a test can also check that cancellation propagates.
    """

    error: BaseException = field(default_factory=lambda: ConnectionRefusedError("mail server down"))
    attempted: list[Mail] = field(default_factory=list)

    async def send(self, mail: Mail) -> None:
        self.attempted.append(mail)
        raise self.error


@pytest.fixture
def mailer(override: Overrides) -> RecordingMailer:
    """A RecordingMailer the test's app sends through (whichever client the test uses)."""
    fake = RecordingMailer()
    override(get_mailer, lambda: fake)
    return fake
