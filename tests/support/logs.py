"""Capturing the app's real log output (the configured formatter, redaction included)."""

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import structlog
from dirty_equals import IsStr

from app.core.config import Environment, Settings
from app.core.logging import HANDLER_NAME, configure_logging

ROUTED_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")
TIMESTAMP = IsStr(regex=r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z")


def settings_for(environment: Environment, log_format: str | None = None) -> Settings:
    return Settings.model_validate(
        {"environment": environment, "log_format": log_format, "secret_key": "k" * 32}
    )


@contextmanager
def captured_log_output(settings: Settings) -> Iterator[io.StringIO]:
    """`configure_logging(settings)` writing to a buffer; on exit the logging setup found on entry
    (structlog's configuration, the root handler and level, uvicorn's loggers) comes back.

    Use it inside the test body: it replaces the handler the app's lifespan installed.
    """
    root = logging.getLogger()
    saved_handlers = [handler for handler in root.handlers if handler.get_name() == HANDLER_NAME]
    saved_level = root.level
    saved_structlog = structlog.get_config()
    saved_routed = {
        name: (logging.getLogger(name).handlers[:], logging.getLogger(name).propagate)
        for name in ROUTED_LOGGERS
    }
    buffer = io.StringIO()
    configure_logging(settings, stream=buffer)
    try:
        yield buffer
    finally:
        for handler in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
            root.removeHandler(handler)
        for handler in saved_handlers:
            root.addHandler(handler)
        root.setLevel(saved_level)
        structlog.configure(**saved_structlog)
        for name, (handlers, propagate) in saved_routed.items():
            logging.getLogger(name).handlers = handlers
            logging.getLogger(name).propagate = propagate
