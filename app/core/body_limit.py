"""The body limit's rules: which limit a path gets, what a too-large body is answered with, and
when that answer must close the connection. The edge (app/core/edge.py) applies them.

A response sent while more than `DRAIN_LIMIT_BYTES` of the request's body are still to come (or
an unknown amount, chunked) says `Connection: close`, so the server drops the rest instead of
reading it in to keep the connection (a refused upload, issue 15). A smaller rest is read and
dropped by the server: closing on it would make the kernel answer the client's last bytes with
a reset, which can destroy the response before the client reads it.

Not Starlette's `RequestBodyLimitMiddleware`: it calls the app before refusing a too-large
Content-Length, answers text/plain, and a route can only tighten its limit.
"""

from collections.abc import Mapping

from fastapi import status
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send

BODY_TOO_LARGE = "Request body too large"
CLOSE = (b"connection", b"close")
# What the server may read and drop after an early answer, to keep the connection.
DRAIN_LIMIT_BYTES = 64 * 1024


class BodyTooLarge(HTTPException):
    """Raised from `receive` once the body passes the limit; an HTTPException so that FastAPI's
    body parsing re-raises it (a plain exception there becomes a 400) and the app's handler
    answers 413."""

    def __init__(self) -> None:
        super().__init__(status.HTTP_413_CONTENT_TOO_LARGE, BODY_TOO_LARGE)


async def refuse_too_large(scope: Scope, receive: Receive, send: Send) -> None:
    """413 `{"detail": "Request body too large"}`: an ASGI app, so that CORS can wrap it."""
    response = JSONResponse(
        {"detail": BODY_TOO_LARGE}, status_code=status.HTTP_413_CONTENT_TOO_LARGE
    )
    await response(scope, receive, send)


def _under(path: str, prefix: str) -> bool:
    """`path` is `prefix` or below it; a `*` segment of the prefix matches any one segment
    (`/books/*/cover`)."""
    if "*" not in prefix:
        return path == prefix or path.startswith(prefix + "/")
    wanted, actual = prefix.split("/"), path.split("/")
    return len(actual) >= len(wanted) and all(
        want in ("*", have) for want, have in zip(wanted, actual, strict=False)
    )


class BodyLimits:
    """`limits` maps path prefixes (`/files`, or `/books/*/cover` with `*` for one segment) to
    their own limits, the longest matching prefix winning, so upload routes can allow more
    than the JSON default."""

    def __init__(self, *, default: int, limits: Mapping[str, int]) -> None:
        self.default = default
        self.limits = sorted(
            ((prefix.rstrip("/"), limit) for prefix, limit in limits.items()),
            key=lambda item: len(item[0]),
            reverse=True,
        )

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.limits:
            if _under(path, prefix):
                return limit
        return self.default


def longer_than(length: bytes, limit: int) -> bool:
    """`length` (digits) above `limit`, without parsing thousands of digits (Python refuses
    to parse an int of more than 4300: a ValueError, then a 500)."""
    digits = length.lstrip(b"0")
    return len(digits) > len(str(limit)) or int(digits or b"0") > limit


def bytes_to_come(length: bytes, *, chunked: bool, limit: int) -> int | None:
    """The body bytes a request announces: 0 without a body, None when unknown (chunked) or
    not worth counting (over the limit, so never read, and over what a drain takes)."""
    if chunked:
        return None
    if not length.isdigit():
        return 0
    if longer_than(length, max(limit, DRAIN_LIMIT_BYTES)):
        return None
    return int(length.lstrip(b"0") or b"0")


def closes_connection(left: int | None) -> bool:
    """A response sent with `left` body bytes still to come must close the connection."""
    return left is None or left > DRAIN_LIMIT_BYTES
