"""The edge of the app: one pure ASGI middleware for what every request passes through (issue 16).

For each HTTP request, in one pass over the raw headers and one `send` wrapper:

- the request id (app/core/request_context.py) goes into the structlog context while the request
  runs (WebSockets too) and onto every response;
- the security headers (app/core/security_headers.py) go onto every response, with the docs
  pages' CSP hashing their inline scripts;
- the body limit (app/core/body_limit.py): a Content-Length over the path's limit is refused
  with a 413 before the app is called; otherwise the bytes are counted as the app receives them
  and `BodyTooLarge` is raised in the app at the limit (its handler answers 413). Any response
  sent while too much of the body is still to come says `Connection: close`;
- one access line per request at its last byte (not after background tasks): method, path
  without the query string (tokens travel there, e.g. `?token=`), status, duration;
- an unhandled exception is logged with the id and answered with a JSON 500 (with the id and
  the headers), then re-raised for the server, as Starlette's own 500 handling does.

CORS, when on, is built inside the edge: around the app, so preflights and every response get
the id and the headers, and around the edge's own 413, so a browser client can read it.
"""

from collections.abc import Callable, Iterable
from time import perf_counter

import structlog
from fastapi import status
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.body_limit import (
    CLOSE,
    BodyLimits,
    BodyTooLarge,
    bytes_to_come,
    closes_connection,
    longer_than,
    refuse_too_large,
)
from app.core.logging import AccessLog
from app.core.request_context import ACCESS_LOGGER, RAW_REQUEST_ID_HEADER, request_id_from
from app.core.security_headers import SecurityHeaders, with_missing

Wrap = Callable[[ASGIApp], ASGIApp]


def route_path(scope: Scope) -> str:
    """The path the app routes on: without the `root_path` a proxy mounted it under."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def _scan(headers: Iterable[tuple[bytes, bytes]]) -> tuple[bytes | None, bytes, bool]:
    """The incoming `X-Request-ID`, the `Content-Length` (b"" without one), and whether the
    body is chunked: one scan of the raw headers, not a `Headers` object per request."""
    request_id, length, chunked = None, b"", False
    for name, value in headers:
        if name == b"content-length":
            length = bytes(value)
        elif name == RAW_REQUEST_ID_HEADER and request_id is None:
            request_id = bytes(value)
        elif name == b"transfer-encoding":
            chunked = True
    return request_id, length, chunked


async def _server_error(scope: Scope, receive: Receive, send: Send) -> None:
    response = JSONResponse(
        {"detail": "Internal Server Error"}, status_code=status.HTTP_500_INTERNAL_SERVER_ERROR
    )
    await response(scope, receive, send)


class Edge:
    """See the module docstring. `cors` wraps an ASGI app in CORS (None: CORS off)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        hsts: bool,
        docs_paths: frozenset[str],
        body_limits: BodyLimits,
        cors: Wrap | None = None,
    ) -> None:
        self.app = app
        self.http_app = cors(app) if cors else app
        self.refuse_too_large = cors(refuse_too_large) if cors else refuse_too_large
        self.headers = SecurityHeaders(hsts=hsts)
        self.docs_paths = docs_paths
        self.body_limits = body_limits
        self.logger = structlog.stdlib.get_logger(ACCESS_LOGGER)
        self.access = AccessLog(ACCESS_LOGGER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "websocket":
            request_id = request_id_from(_scan(scope["headers"])[0])
            tokens = structlog.contextvars.bind_contextvars(request_id=request_id)
            try:
                await self.app(scope, receive, send)
            finally:
                structlog.contextvars.reset_contextvars(**tokens)
        else:
            await self.app(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = perf_counter()
        incoming_id, length, chunked = _scan(scope["headers"])
        request_id = request_id_from(incoming_id)
        id_header = (RAW_REQUEST_ID_HEADER, request_id.encode("latin-1"))
        path = route_path(scope)
        status_code: int | None = None
        logged = False
        limit = self.body_limits.limit_for(path)
        refused = length.isdigit() and longer_than(length, limit)
        # The body bytes received, and those still to come (None: unknown, or too many to count).
        received, left = 0, bytes_to_come(length, chunked=chunked, limit=limit)

        def access_line() -> None:
            nonlocal logged
            logged = True
            self.access.info(
                "request",
                method=scope["method"],
                path=scope["path"],
                status=status_code,
                duration_ms=round((perf_counter() - started) * 1000, 2),
            )

        async def reply(message: Message) -> None:
            nonlocal status_code
            kind = message["type"]
            if kind == "http.response.start":
                status_code = message["status"]
                headers = with_missing(message.get("headers", ()), self.headers.api)
                headers.append(id_header)
                if closes_connection(left):
                    headers.append(CLOSE)
                message["headers"] = headers
            await send(message)
            if kind == "http.response.body" and not message.get("more_body", False):
                access_line()

        async def receive_limited() -> Message:
            nonlocal received, left
            message = await receive()
            if message["type"] == "http.request":
                size = len(message.get("body", b""))
                received += size
                if received > limit:
                    raise BodyTooLarge
                if not message.get("more_body", False):
                    left = 0
                elif left is not None:
                    left -= size
            return message

        respond = self._with_docs_csp(reply) if path in self.docs_paths else reply
        tokens = structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            if refused:
                await self.refuse_too_large(scope, receive, respond)
            else:
                await self.http_app(scope, receive_limited, respond)
        except Exception as error:
            if isinstance(error, BodyTooLarge) and status_code is None:
                await self.refuse_too_large(scope, receive, respond)
                return
            self.logger.exception("unhandled_exception")
            if status_code is None:
                await _server_error(scope, receive, respond)
            raise
        finally:
            if not logged:
                access_line()
            structlog.contextvars.reset_contextvars(**tokens)

    def _with_docs_csp(self, send: Send) -> Send:
        """Holds a docs page until complete to hash its inline scripts into its CSP (these pages
        are small and sent in one piece); the other headers are added by `send`."""
        start: Message | None = None
        page = bytearray()

        async def hold(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            page.extend(message.get("body", b""))
            if not message.get("more_body", False):
                csp = self.headers.docs_csp(bytes(page))
                start["headers"] = with_missing(start.get("headers", ()), [csp])
                await send(start)
                await send({"type": "http.response.body", "body": bytes(page)})

        return hold
