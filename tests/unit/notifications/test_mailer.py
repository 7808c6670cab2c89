"""The log mailer and `send_quietly`: what reaches the log, and that failures stop there."""

import asyncio
import logging

import pytest

from app.core.config import Environment, Settings
from app.notifications import mailer as mailer_module
from app.notifications.mail import Mail
from app.notifications.mailer import LogMailer, build_mailer, send_quietly
from tests.support.fakes import FailingMailer, RecordingMailer

LOGGER = mailer_module.logger.name
SECRET_BODY = "Your reset code is 918273."
MAIL = Mail(to="ada@example.com", subject="Password reset", body=SECRET_BODY)


def mailer_logs(caplog: pytest.LogCaptureFixture) -> list[tuple[str, int, str]]:
    return [record for record in caplog.record_tuples if record[0] == LOGGER]


def test_without_smtp_url_the_app_writes_mail_to_the_log() -> None:
    settings = Settings(_env_file=None, environment=Environment.TEST, smtp_url=None)

    assert isinstance(build_mailer(settings), LogMailer)


async def test_log_mailer_logs_recipient_and_subject_but_not_the_body(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)

    await LogMailer().send(MAIL)

    assert mailer_logs(caplog) == [
        (LOGGER, logging.INFO, "mail to=ada@example.com subject=Password reset")
    ]
    assert SECRET_BODY not in caplog.text


class TestSendQuietly:
    async def test_a_working_mailer_sends_the_mail_and_nothing_is_logged(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.DEBUG, logger=LOGGER)
        recording = RecordingMailer()

        await send_quietly(recording, MAIL)

        assert recording.sent == [MAIL]
        assert mailer_logs(caplog) == []

    @pytest.mark.parametrize(
        "error",
        [
            pytest.param(ConnectionRefusedError("mail server down"), id="connection_refused"),
            pytest.param(TimeoutError(), id="timeout"),
            pytest.param(RuntimeError("transport bug"), id="unexpected_error"),
        ],
    )
    async def test_a_failed_send_is_logged_with_its_traceback_and_swallowed(
        self, caplog: pytest.LogCaptureFixture, error: Exception
    ) -> None:
        failing = FailingMailer(error=error)

        await send_quietly(failing, MAIL)

        assert failing.attempted == [MAIL]
        assert mailer_logs(caplog) == [
            (LOGGER, logging.ERROR, "mail to=ada@example.com subject=Password reset failed")
        ]
        assert caplog.records[-1].exc_info is not None
        assert caplog.records[-1].exc_info[1] is error

    async def test_the_body_is_not_in_the_log_of_a_failed_send(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        await send_quietly(FailingMailer(), MAIL)

        assert "ConnectionRefusedError: mail server down" in caplog.text
        assert SECRET_BODY not in caplog.text

    async def test_cancellation_is_not_swallowed(self, caplog: pytest.LogCaptureFixture) -> None:
        """A shutting-down server cancels its background tasks; that must still stop them."""
        with pytest.raises(asyncio.CancelledError):
            await send_quietly(FailingMailer(error=asyncio.CancelledError()), MAIL)

        assert mailer_logs(caplog) == []
