"""The app's default mailer, watched rather than replaced.

Technique: `mocker.spy(LogMailer, "send")`. The real method still runs (the mail is still
logged) while the spy records its calls, so the test checks both what the app asked of its
mailer and what the log backend did with it. Prefer the recording fake (`mailer` fixture) when
the real behaviour is not needed; a spy is for when it is.
"""

import logging

import httpx
import pytest
from pytest_mock import MockerFixture

from app.notifications.mail import Mail
from app.notifications.mailer import LogMailer


async def test_registration_calls_the_log_mailer_once_with_the_welcome(
    client: httpx.AsyncClient, mocker: MockerFixture, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="app.notifications.mailer")
    send = mocker.spy(LogMailer, "send")

    response = await client.post(
        "/auth/register",
        json={"name": "Ada Lovelace", "email": "ada@example.com", "password": "correct horse"},
    )

    assert response.status_code == 201, response.text
    send.assert_called_once_with(
        mocker.ANY,  # the app's LogMailer instance (self)
        Mail(
            to="ada@example.com",
            subject="Welcome to the bookstore",
            body="Hello Ada Lovelace, your account is ready.",
        ),
    )
    assert [
        record for record in caplog.record_tuples if record[0] == "app.notifications.mailer"
    ] == [
        (
            "app.notifications.mailer",
            logging.INFO,
            "mail to=ada@example.com subject=Welcome to the bookstore",
        )
    ]
