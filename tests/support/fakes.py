"""Fakes for the app's outbound services (mail, the ISBN catalogue) and the fixtures that
install them.

async def test_register_sends_a_welcome_mail(client, mailer):
    await client.post("/auth/register", json=...)
    assert mailer.sent == [Mail(to=..., subject=..., body=...)]
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from app.catalog.dependencies import get_catalog
from app.catalog.schemas import BookMetadata
from app.core.errors import AppError
from app.notifications.mail import Mail
from app.notifications.mailer import get_mailer
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


@dataclass
class FakeCatalog:
    """Answers from `books` (None for any other ISBN), or raises `error`; keeps every ISBN asked."""

    books: dict[str, BookMetadata] = field(default_factory=dict)
    error: AppError | None = None
    asked: list[str] = field(default_factory=list)

    async def lookup(self, isbn: str) -> BookMetadata | None:
        self.asked.append(isbn)
        if self.error is not None:
            raise self.error
        return self.books.get(isbn)


@pytest.fixture
def catalog(override: Overrides) -> FakeCatalog:
    """An empty FakeCatalog in place of the outside catalogue; fill `books` or set `error`."""
    fake = FakeCatalog()
    override(get_catalog, lambda: fake)
    return fake


@dataclass
class FakeClock:
    """A clock that only moves when told: `clock()` is the time, `advance(seconds)` moves it."""

    now: datetime = field(default_factory=lambda: datetime(2026, 1, 1, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
