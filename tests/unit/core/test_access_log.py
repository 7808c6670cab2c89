"""AccessLog: the one line per request, written directly by the app's JSON handler alone and
through logging otherwise, the same line either way."""

import io
import json
import logging
import logging.handlers
import sys
from collections.abc import Callable
from typing import Any, ClassVar
from unittest.mock import patch

import pytest
import structlog
from dirty_equals import IsStr

from app.core.config import Environment
from app.core.logging import HANDLER_NAME, REDACTED, AccessLog, AppHandler, configure_logging
from tests.support.logs import TIMESTAMP, captured_log_output, settings_for


@pytest.fixture
def app_handler_alone(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Call it inside `captured_log_output`: the root keeps only the app's handler (as in
    production), without pytest's capture handlers, until the test ends."""

    def detach_others() -> None:
        root = logging.getLogger()
        ours = [handler for handler in root.handlers if handler.get_name() == HANDLER_NAME]
        monkeypatch.setattr(root, "handlers", ours)

    return detach_others


def access_line(path: str = "/books/7?token=abc") -> None:
    with structlog.contextvars.bound_contextvars(request_id="trace-1", user_id=3):
        AccessLog("app.request").info(
            "request", method="GET", path=path, status=200, duration_ms=1.25
        )


def without_timestamp(output: str) -> list[dict[str, Any]]:
    return [
        {key: value for key, value in json.loads(line).items() if key != "timestamp"}
        for line in output.splitlines()
    ]


class TestAccessLog:
    EXPECTED: ClassVar[dict[str, Any]] = {
        "method": "GET",
        "path": f"/books/7?token={REDACTED}",
        "status": 200,
        "duration_ms": 1.25,
        "event": "request",
        "user_id": 3,
        "request_id": "trace-1",
        "logger": "app.request",
        "level": "info",
    }

    def test_written_directly_it_is_the_line_logging_writes(
        self, app_handler_alone: Callable[[], None]
    ) -> None:
        settings = settings_for(Environment.PRODUCTION)
        with captured_log_output(settings) as through_logging:
            access_line()
        with captured_log_output(settings) as direct:
            app_handler_alone()
            with patch.object(
                structlog.stdlib.BoundLogger, "info", side_effect=AssertionError("not direct")
            ):
                access_line()

        assert without_timestamp(direct.getvalue()) == [self.EXPECTED]
        assert without_timestamp(through_logging.getvalue()) == [self.EXPECTED]
        assert json.loads(direct.getvalue())["timestamp"] == TIMESTAMP

    def test_another_handler_on_the_root_gets_the_line_through_logging(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        with captured_log_output(settings_for(Environment.PRODUCTION)) as output:
            access_line()

        assert [record.name for record in caplog.records] == ["app.request"]
        assert without_timestamp(output.getvalue()) == [self.EXPECTED]

    def test_a_handler_on_the_access_logger_itself_gets_the_line(
        self, app_handler_alone: Callable[[], None], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The direct write is for the app's JSON handler alone: a handler someone put on
        `app.request` gets the line through logging, and the root's handler still gets it."""
        own = logging.handlers.BufferingHandler(capacity=10)
        with captured_log_output(settings_for(Environment.PRODUCTION)) as output:
            app_handler_alone()
            monkeypatch.setattr(logging.getLogger("app.request"), "handlers", [own])
            access_line()

        assert [record.name for record in own.buffer] == ["app.request"]
        assert without_timestamp(output.getvalue()) == [self.EXPECTED]

    def test_console_lines_go_through_logging(self, app_handler_alone: Callable[[], None]) -> None:
        with captured_log_output(settings_for(Environment.DEVELOPMENT)) as output:
            app_handler_alone()
            with patch.object(AppHandler, "write_event", side_effect=AssertionError("direct")):
                access_line("/books/7")

        assert output.getvalue().splitlines() == [
            IsStr(regex=r".*\[info\s*\] request\s+\[app\.request\] duration_ms=1\.25 .*")
        ]

    def test_by_default_it_goes_directly_to_stderr_as_it_is_when_written(
        self, app_handler_alone: Callable[[], None], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """`configure_logging` without a stream (the app's lifespan) writes to whatever
        `sys.stderr` is at the time of the line (test runners swap theirs), directly."""
        settings = settings_for(Environment.PRODUCTION)
        at_configure, later = io.StringIO(), io.StringIO()
        with captured_log_output(settings):
            monkeypatch.setattr(sys, "stderr", at_configure)
            configure_logging(settings)
            app_handler_alone()
            monkeypatch.setattr(sys, "stderr", later)
            with patch.object(
                structlog.stdlib.BoundLogger, "info", side_effect=AssertionError("not direct")
            ):
                access_line()

        assert at_configure.getvalue() == ""
        assert without_timestamp(later.getvalue()) == [self.EXPECTED]

    def test_below_the_level_nothing_is_written(
        self, app_handler_alone: Callable[[], None]
    ) -> None:
        settings = settings_for(Environment.PRODUCTION).model_copy(update={"log_level": "warning"})
        with captured_log_output(settings) as output:
            app_handler_alone()
            access_line()

        assert output.getvalue() == ""
