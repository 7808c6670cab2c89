"""Case-insensitive substring search that treats `%` and `_` in user input literally."""

from typing import Any

from sqlalchemy import ColumnElement, func


def _escape_like(text: str) -> str:
    return text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def icontains(column: Any, text: str) -> ColumnElement[bool]:
    return func.lower(column).like(f"%{_escape_like(text)}%", escape="\\")
