"""Helpers for asserting on Pydantic validation errors as whole values."""

from pydantic import ValidationError


def error_summary(exc: ValidationError) -> list[dict[str, object]]:
    """Each error's type, location and message, without the echoed input, context or docs URL."""
    return [
        {"type": error["type"], "loc": error["loc"], "msg": error["msg"]} for error in exc.errors()
    ]
