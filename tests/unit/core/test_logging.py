"""configure_logging: JSON or console by settings, stdlib routed through structlog, idempotent;
redact_secrets: what it masks and what it leaves alone."""

import io
import json
import logging
import logging.config
import logging.handlers
import sys
from typing import Any, TextIO, cast

import pytest
import structlog
import structlog.testing
import uvicorn.config
from dirty_equals import IsStr

from app.core.config import Environment
from app.core.logging import (
    HANDLER_NAME,
    REDACTED,
    build_formatter,
    configure_logging,
    redact_secrets,
)
from tests.support.logs import ROUTED_LOGGERS, TIMESTAMP, captured_log_output, settings_for

CONSOLE_LINE = IsStr(regex=r"\d{4}-\d\d-\d\dT[\d:.]+Z \[info\s*\] hello\s+\[app\.test\] n=1")


PAIRS_REDACTED = f'got password={REDACTED}&x=1 {{"refresh_token": "{REDACTED}"}} Token: {REDACTED}'


# A log config that gives uvicorn.error a handler of its own and stops it propagating, as a
# `--log-config` file may (and gunicorn's uvicorn worker does).
ERROR_LOGGER_OF_ITS_OWN = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr"}},
    "loggers": {"uvicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False}},
}


def log_hello() -> None:
    structlog.stdlib.get_logger("app.test").info("hello", n=1)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class BareStream:
    """Only what a handler writes with: no `isatty` at all."""

    def __init__(self) -> None:
        self._text = io.StringIO()

    def write(self, text: str) -> int:
        return self._text.write(text)

    def flush(self) -> None:
        pass

    def getvalue(self) -> str:
        return self._text.getvalue()


class TestFormat:
    def test_production_writes_one_json_object_per_line(self) -> None:
        with captured_log_output(settings_for(Environment.PRODUCTION)) as output:
            log_hello()

        assert json.loads(output.getvalue()) == {
            "event": "hello",
            "n": 1,
            "logger": "app.test",
            "level": "info",
            "timestamp": TIMESTAMP,
        }

    @pytest.mark.parametrize(
        "environment",
        [
            pytest.param(Environment.DEVELOPMENT, id="development"),
            pytest.param(Environment.TEST, id="test"),
        ],
    )
    def test_elsewhere_lines_are_for_the_console(self, environment: Environment) -> None:
        with captured_log_output(settings_for(environment)) as output:
            log_hello()

        assert output.getvalue().splitlines() == [CONSOLE_LINE]

    @pytest.mark.parametrize(
        ("environment", "log_format", "expected"),
        [
            pytest.param(Environment.DEVELOPMENT, "json", "json", id="json_in_development"),
            pytest.param(Environment.PRODUCTION, "console", "console", id="console_in_production"),
        ],
    )
    def test_log_format_overrides_the_environment(
        self, environment: Environment, log_format: str, expected: str
    ) -> None:
        with captured_log_output(settings_for(environment, log_format)) as output:
            log_hello()

        line = output.getvalue().rstrip("\n")
        assert (line.startswith("{"), line.endswith("}")) == (expected == "json",) * 2

    def test_uvicorn_lines_share_the_format_and_its_access_log_is_left_to_the_middleware(
        self,
    ) -> None:
        with captured_log_output(settings_for(Environment.PRODUCTION)) as output:
            logging.getLogger("uvicorn.error").info("Started server process [%d]", 42)
            logging.getLogger("uvicorn.access").info("127.0.0.1 - GET / 200")

        assert [json.loads(line) for line in output.getvalue().splitlines()] == [
            {
                "event": "Started server process [42]",
                "logger": "uvicorn.error",
                "level": "info",
                "timestamp": TIMESTAMP,
            }
        ]

    @pytest.mark.parametrize(
        "log_config",
        [
            pytest.param(uvicorn.config.LOGGING_CONFIG, id="uvicorns_own"),
            pytest.param(ERROR_LOGGER_OF_ITS_OWN, id="uvicorn_error_with_a_handler_of_its_own"),
        ],
    )
    def test_uvicorn_lines_come_out_once_in_ours_after_uvicorns_log_config(
        self,
        log_config: dict[str, Any],
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """uvicorn applies its log config (handlers of its own, not propagating) before the app
        starts; the lifespan's `configure_logging` then routes its loggers through ours."""
        for name in ROUTED_LOGGERS:
            monkeypatch.setattr(logging.getLogger(name), "level", logging.getLogger(name).level)
        settings = settings_for(Environment.PRODUCTION)
        with captured_log_output(settings) as output:
            logging.config.dictConfig(log_config)
            configure_logging(settings, stream=output)
            logging.getLogger("uvicorn.error").info("Started server process [%d]", 42)
            logging.getLogger("uvicorn.access").info(
                '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", "/", "1.1", 200
            )

        assert [json.loads(line)["event"] for line in output.getvalue().splitlines()] == [
            "Started server process [42]"
        ]
        assert capsys.readouterr() == ("", "")

    def test_a_logger_that_already_logged_follows_a_later_configuration(self) -> None:
        """Loggers are not cached on first use: a module's logger that already logged follows a
        later `structlog.configure` (a test's capture, a plugin's), not the first one it saw."""
        logger = structlog.stdlib.get_logger("app.test")
        capture = structlog.testing.LogCapture()
        with captured_log_output(settings_for(Environment.PRODUCTION)) as output:
            logger.info("before")
            structlog.configure(processors=[capture])
            logger.info("during")

        assert [entry["event"] for entry in capture.entries] == ["during"]
        assert [json.loads(line)["event"] for line in output.getvalue().splitlines()] == ["before"]

    def test_uvicorns_access_logger_writes_nowhere_not_even_a_warning(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """It does not propagate, and it keeps a handler that discards: a logger with neither
        would hand its warnings to logging's last resort, which prints them to stderr."""
        with captured_log_output(settings_for(Environment.PRODUCTION)) as output:
            logging.getLogger("uvicorn.access").warning("127.0.0.1 - GET / 500")

        assert (output.getvalue(), capsys.readouterr().err) == ("", "")

    def test_configuring_twice_keeps_one_handler_and_one_line_per_call(self) -> None:
        settings = settings_for(Environment.PRODUCTION)
        with captured_log_output(settings), captured_log_output(settings) as output:
            log_hello()
            ours = [h for h in logging.getLogger().handlers if h.get_name() == HANDLER_NAME]

        assert (len(ours), len(output.getvalue().splitlines())) == (1, 1)

    def test_the_level_comes_from_settings(self) -> None:
        settings = settings_for(Environment.PRODUCTION).model_copy(update={"log_level": "warning"})
        with captured_log_output(settings) as output:
            log_hello()
            structlog.stdlib.get_logger("app.test").warning("careful")

        assert [json.loads(line)["event"] for line in output.getvalue().splitlines()] == ["careful"]

    def test_console_lines_are_colored_only_when_asked(self) -> None:
        """A terminal gets ANSI colors (`configure_logging` asks when its stream is a TTY);
        anything else, and a caller that does not say, gets plain text."""
        console = settings_for(Environment.DEVELOPMENT)

        def formatted(formatter: logging.Formatter) -> str:
            record = logging.LogRecord("app.test", logging.INFO, __file__, 1, "hello", None, None)
            return formatter.format(record)

        colored = formatted(build_formatter(console, colors=True))
        plain = formatted(build_formatter(console))

        assert "\x1b[" in colored
        assert "\x1b[" not in plain
        assert "hello" in plain

    @pytest.mark.parametrize(
        ("stream_type", "colored"),
        [
            pytest.param(Terminal, True, id="terminal"),
            pytest.param(io.StringIO, False, id="file"),
            pytest.param(BareStream, False, id="stream_without_isatty"),
        ],
    )
    def test_configure_logging_colors_console_lines_on_a_terminal_only(
        self, stream_type: type[io.StringIO | BareStream], colored: bool
    ) -> None:
        console = settings_for(Environment.DEVELOPMENT)
        stream = stream_type()
        with captured_log_output(console):
            configure_logging(console, stream=cast(TextIO, stream))
            log_hello()

        written = stream.getvalue()
        assert ("\x1b[" in written, "hello" in written) == (colored, True)

    def test_by_default_lines_go_to_the_current_stderr_colored_if_it_is_a_terminal(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        console = settings_for(Environment.DEVELOPMENT)
        terminal = Terminal()
        with captured_log_output(console):
            monkeypatch.setattr(sys, "stderr", terminal)
            configure_logging(console)
            log_hello()

        written = terminal.getvalue()
        assert ("\x1b[" in written, "hello" in written) == (True, True)

    def test_a_traceback_is_redacted_too(self) -> None:
        with captured_log_output(settings_for(Environment.PRODUCTION)) as output:
            try:
                raise ValueError("bad login password=hunter2hunter2")
            except ValueError:
                structlog.stdlib.get_logger("app.test").exception("failed")

        line = json.loads(output.getvalue())
        assert (line["event"], "hunter2" in line["exception"]) == ("failed", False)
        assert line["exception"].endswith(f"ValueError: bad login password={REDACTED}")


class TestRedactSecrets:
    @pytest.mark.parametrize(
        ("event_dict", "expected"),
        [
            pytest.param(
                {
                    "password": "p",
                    "Current_Password": "p",
                    "new-password": "p",
                    "token": "t",
                    "access_token": "t",
                    "refresh_token": "t",
                    "Authorization": "Bearer t",
                    "secret": "s",
                    "client_secret": "s",
                    "Cookie": "c",
                    "set-cookie": "c",
                    "x-api-key": "k",
                },
                dict.fromkeys(
                    (
                        "password",
                        "Current_Password",
                        "new-password",
                        "token",
                        "access_token",
                        "refresh_token",
                        "Authorization",
                        "secret",
                        "client_secret",
                        "Cookie",
                        "set-cookie",
                        "x-api-key",
                    ),
                    REDACTED,
                ),
                id="sensitive_keys_any_case",
            ),
            pytest.param(
                {
                    "body": {"user": {"password": "p"}, "items": [{"token": "t"}, "Bearer abc.d"]},
                    "headers": {"X-Api-Key": "k", "Proxy-Authorization": "Basic dTpw"},
                },
                {
                    "body": {
                        "user": {"password": REDACTED},
                        "items": [{"token": REDACTED}, "Bearer [REDACTED]"],
                    },
                    "headers": {"X-Api-Key": REDACTED, "Proxy-Authorization": REDACTED},
                },
                id="nested",
            ),
            pytest.param(
                {"event": "header was bearer eyJ.a-b_c/d+e= end"},
                {"event": "header was bearer [REDACTED] end"},
                id="bearer_in_text",
            ),
            pytest.param(
                {"event": 'got password=hunter2&x=1 {"refresh_token": "r.t"} Token: abc'},
                {"event": PAIRS_REDACTED},
                id="pairs_in_text",
            ),
            pytest.param(
                {"event": "login", "email": "a@b.c", "token_type": "bearer", "status": 200},
                {"event": "login", "email": "a@b.c", "token_type": "bearer", "status": 200},
                id="harmless_left_alone",
            ),
            pytest.param(
                {"_password": "p", "_note": "sent token=abc"},
                {"_password": REDACTED, "_note": f"sent token={REDACTED}"},
                id="a_callers_keys_with_an_underscore",
            ),
        ],
    )
    def test_masks_exactly_the_secrets(
        self, event_dict: dict[str, Any], expected: dict[str, Any]
    ) -> None:
        assert redact_secrets(None, "info", event_dict) == expected

    def test_leaves_structlogs_own_keys_alone(self) -> None:
        record = logging.makeLogRecord({"msg": "x"})

        own = {"event": "x", "_record": record, "_from_structlog": True}

        assert redact_secrets(None, "info", dict(own)) == own
