"""The mail outbox and captured background tasks (tests/fixtures/mail.py, issue 18): the outbox
records what the app sends through the mailer wherever the host says it lives (a dependency or
`app.state`, async or sync), nothing else sees it after the test; background tasks are recorded,
and held when asked, so a test sees what a response left to do and runs it, without sleeping."""

import asyncio

import httpx
import pytest
from fastapi import FastAPI, Request
from starlette.background import BackgroundTasks
from starlette.testclient import TestClient

from app.notifications.mail import Mail
from app.notifications.mailer import get_mailer, send_quietly
from tests.fixtures.mail import (
    MailAccess,
    Outbox,
    ScheduledTask,
    ScheduledTasks,
    Sent,
    capture_background_tasks,
    install_outbox,
)

pytest_plugins = ["pytester"]

REGISTRATION = {"name": "Ada Lovelace", "email": "ada@example.com", "password": "correct horse"}
WELCOME = Mail(
    to="ada@example.com",
    subject="Welcome to the bookstore",
    body="Hello Ada Lovelace, your account is ready.",
)


async def test_the_outbox_holds_what_a_request_sent_through_the_mailer_dependency(
    client: httpx.AsyncClient, mail_outbox: Outbox
) -> None:
    response = await client.post("/auth/register", json=REGISTRATION)

    assert response.status_code == 201, response.text
    assert mail_outbox == [WELCOME]


async def test_held_background_tasks_leave_the_outbox_empty_until_the_test_runs_them(
    client: httpx.AsyncClient, mail_outbox: Outbox
) -> None:
    with capture_background_tasks(execute=False) as tasks:
        response = await client.post("/auth/register", json=REGISTRATION)

    assert response.status_code == 201, response.text
    assert (mail_outbox, tasks.funcs) == ([], [send_quietly])
    assert tasks.tasks[0].args[1] == WELCOME

    await tasks.run()
    await tasks.run()  # a task runs once

    assert mail_outbox == [WELCOME]


async def test_executed_tasks_are_recorded_and_have_run_when_the_request_returns(
    client: httpx.AsyncClient, mail_outbox: Outbox
) -> None:
    with capture_background_tasks() as tasks:
        response = await client.post("/auth/register", json=REGISTRATION)

    assert response.status_code == 201, response.text
    assert (tasks.funcs, mail_outbox) == ([send_quietly], [WELCOME])
    with pytest.raises(pytest.UsageError, match="execute=True"):
        await tasks.run()


def test_the_patch_is_gone_after_the_block() -> None:
    original = BackgroundTasks.add_task
    with capture_background_tasks(execute=False):
        patched = BackgroundTasks.add_task
    assert (patched is not original, BackgroundTasks.add_task is original) == (True, True)


class Letters:
    """A sync mailer on app.state, as another app might have: `deliver(to, text=...)`."""

    def deliver(self, to: str, *, text: str) -> None:
        raise AssertionError("a real letter was sent")


def letters_app() -> FastAPI:
    application = FastAPI()
    application.state.letters = Letters()

    @application.post("/letters")
    def post_letter(request: Request, background: BackgroundTasks) -> dict[str, str]:
        background.add_task(request.app.state.letters.deliver, "ada@example.com", text="hi")
        return {"queued": "yes"}

    return application


def test_a_sync_mailer_on_app_state_is_recorded_through_testclient_and_put_back() -> None:
    application = letters_app()
    real = application.state.letters
    outbox = Outbox()
    access = MailAccess(state_attribute="letters", method="deliver", is_async=False)
    undo = install_outbox(application, access, outbox)

    with TestClient(application) as test_client, capture_background_tasks() as tasks:
        response = test_client.post("/letters")
    undo()

    assert response.status_code == 200, response.text
    assert outbox == [Sent(("ada@example.com",), {"text": "hi"})]
    assert len(tasks.tasks) == 1
    assert application.state.letters is real


async def test_the_dependency_override_is_taken_away_and_a_previous_one_put_back() -> None:
    application = FastAPI()
    previous = object()
    application.dependency_overrides[get_mailer] = lambda: previous
    outbox = Outbox()
    undo = install_outbox(application, MailAccess(dependency=get_mailer), outbox)
    recorder = application.dependency_overrides[get_mailer]()

    await recorder.send(WELCOME)
    undo()

    assert outbox == [WELCOME]
    assert application.dependency_overrides[get_mailer]() is previous


def test_a_host_without_mail_access_is_told_to_define_it(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = session\n")
    pytester.makeconftest(
        """
        import pytest
        from fastapi import FastAPI

        pytest_plugins = ["tests.fixtures.mail"]


        @pytest.fixture
        def fresh_app():
            return FastAPI()
        """
    )
    pytester.makepyfile("def test_asks(mail_outbox):\n    pass\n")

    result = pytester.runpytest("-p", "no:randomly", "-p", "no:cacheprovider")

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*UsageError: mail_outbox needs the fixture mail_access*"])


def test_held_tasks_run_in_order_sync_ones_too() -> None:
    ran: list[int] = []
    tasks = ScheduledTasks(
        execute=False, tasks=[ScheduledTask(ran.append, (n,), {}) for n in (1, 2)]
    )

    asyncio.run(tasks.run())  # a plain test: a loop of its own

    assert ran == [1, 2]
