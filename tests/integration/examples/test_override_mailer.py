"""Replacing an outbound service with a fake that records calls: the mailer.

Pattern: the kit's `mail_outbox` (tests/fixtures/mail.py; tests/support/host.py's `mail_access`
says the app gets its mailer through `get_mailer`) holds what the app sent, as the
`mailer` fixture (tests/support/fakes.py, a `RecordingMailer` installed with
`override(get_mailer, lambda: fake)`) does in `mailer.sent`. For failures, install a
`FailingMailer` that way. Nothing leaves the process, and the assertion is on whole `Mail`
values, not on "some mail was sent".

Background tasks (the welcome mail is one) run after the response body has been sent, but still
inside the app's ASGI call, and httpx's `ASGITransport` returns only when that call is over. So
when `await client.post(...)` returns, the mail has been sent: no sleep or polling is needed.
(Under a real server the client has its response earlier; see the second test.) To see what
the response left to do before it is done, hold the tasks with the kit's
`capture_background_tasks(execute=False)` and run them when the test says.

Pitfall avoided: a failed background send must change nothing else (API.md, "Mail"). A mailer
that raises would otherwise surface as an exception after a 201, and here, through
ASGITransport, as an error raised into the test. The app sends through `send_quietly`.
"""

import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from dirty_equals import IsInt
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.notifications.mail import Mail
from app.notifications.mailer import get_mailer, send_quietly
from app.users.models import User
from tests.fixtures.app import BASE_URL, Overrides
from tests.fixtures.mail import Outbox
from tests.support.fakes import FailingMailer, RecordingMailer
from tests.support.payloads.users import RECENT_UTC_TIMESTAMP

CaptureTasks = Callable[..., Any]
REGISTRATION = {"name": "Ada Lovelace", "email": "ada@example.com", "password": "correct horse"}
WELCOME = Mail(
    to="ada@example.com",
    subject="Welcome to the bookstore",
    body="Hello Ada Lovelace, your account is ready.",
)
CREATED = {
    "id": IsInt(gt=0),
    "name": "Ada Lovelace",
    "email": "ada@example.com",
    "role": "customer",
    "is_active": True,
    "created_at": RECENT_UTC_TIMESTAMP,
}


async def test_registration_sends_exactly_one_welcome_mail(
    client: httpx.AsyncClient, mail_outbox: Outbox
) -> None:
    response = await client.post("/auth/register", json=REGISTRATION)

    assert response.status_code == 201, response.text
    assert mail_outbox == [WELCOME]


async def test_the_welcome_mail_is_work_left_for_after_the_response(
    client: httpx.AsyncClient, mail_outbox: Outbox, capture_background_tasks: CaptureTasks
) -> None:
    with capture_background_tasks(execute=False) as after_response:
        response = await client.post("/auth/register", json=REGISTRATION)

    assert response.status_code == 201, response.text
    assert mail_outbox == []
    assert [(task.func, task.args[1:]) for task in after_response.tasks] == [
        (send_quietly, (WELCOME,))
    ]
    await after_response.run()
    assert mail_outbox == [WELCOME]


class ResponseWatcher:
    """ASGI wrapper noting how many mails were sent when the response body was complete."""

    def __init__(self, app: ASGIApp, mailer: RecordingMailer) -> None:
        self.app = app
        self.mailer = mailer
        self.sent_when_complete: list[int] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def watching_send(message: Message) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                self.sent_when_complete.append(len(self.mailer.sent))

        await self.app(scope, receive, watching_send)


@pytest.fixture
async def watched_client(
    running_app: ASGIApp, mailer: RecordingMailer
) -> AsyncIterator[tuple[httpx.AsyncClient, ResponseWatcher]]:
    watcher = ResponseWatcher(running_app, mailer)
    transport = httpx.ASGITransport(app=watcher)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as watched:
        yield watched, watcher


async def test_the_welcome_mail_goes_out_after_the_response_is_complete(
    watched_client: tuple[httpx.AsyncClient, ResponseWatcher], mailer: RecordingMailer
) -> None:
    client, watcher = watched_client

    response = await client.post("/auth/register", json=REGISTRATION)

    assert response.status_code == 201, response.text
    assert watcher.sent_when_complete == [0]
    assert mailer.sent == [WELCOME]


async def test_a_failing_mailer_changes_nothing_but_the_log(
    client: httpx.AsyncClient,
    override: Overrides,
    db_session: AsyncSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    failing = FailingMailer()
    override(get_mailer, lambda: failing)

    response = await client.post("/auth/register", json=REGISTRATION)

    assert response.status_code == 201, response.text
    assert response.json() == CREATED
    stored = await db_session.execute(select(User.name, User.email))
    assert stored.all() == [("Ada Lovelace", "ada@example.com")]
    assert failing.attempted == [WELCOME]
    assert [
        record for record in caplog.record_tuples if record[0] == "app.notifications.mailer"
    ] == [
        (
            "app.notifications.mailer",
            logging.ERROR,
            "mail to=ada@example.com subject=Welcome to the bookstore failed",
        )
    ]
    assert WELCOME.body not in caplog.text
