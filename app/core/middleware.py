"""Cross-cutting middleware: request context, security headers, CORS, body limit, gzip.

All pure ASGI (no `BaseHTTPMiddleware`: it breaks contextvars and streaming). The stack, outermost
first, as `install_middleware` builds it:

1. `ServerErrorMiddleware` (Starlette's, always outermost): sees an exception only after our
   2-4 have already answered it, so it just re-raises to the server.
2. `GZipMiddleware`: compresses what everything inside produced (large bodies only); outside the
   security headers so the docs CSP hashes the uncompressed page.
3. `SecurityHeadersMiddleware`: nosniff, DENY, Referrer-Policy, CSP (HSTS in production) on every
   `http.response.start` passing through it: 413s, 500s and CORS preflights included.
4. `RequestContextMiddleware` (app/core/request_context.py): keeps a valid incoming
   `X-Request-ID` or makes one and puts it on every response and in the log context, writes one
   access line per request, and turns an unhandled exception into a JSON 500 sent through 3-4
   (so the 500 carries the request id and the headers) before re-raising it.
5. `CORSMiddleware` (only with `CORS_ORIGINS`): inside 3-4 so preflights get ids and headers,
   outside 6 so a 413 can still be read by a browser client.
6. `BodySizeLimitMiddleware`: 413 before the app reads a byte when Content-Length is too large;
   otherwise counts the streamed bytes and stops the app's reads at the limit. A response sent
   while more than `DRAIN_LIMIT_BYTES` of the request's body are still to come (or an unknown
   amount, chunked) says `Connection: close`, so the server drops the rest instead of reading
   it in to keep the connection (a refused upload, issue 15). A smaller rest is read and
   dropped by the server: closing on it would make the kernel answer the client's last bytes
   with a reset, which can destroy the response before the client reads it.
"""

import hashlib
import re
from base64 import b64encode
from collections.abc import Mapping

from fastapi import FastAPI, status
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.config import Environment, Settings
from app.core.request_context import REQUEST_ID_HEADER, RequestContextMiddleware

GZIP_MINIMUM_SIZE = 1024

API_CSP = "default-src 'none'; frame-ancestors 'none'"
# Swagger UI and ReDoc as FastAPI serves them: bundles and CSS from jsDelivr, ReDoc's Google
# fonts, FastAPI's favicon, data: icons, the schema fetched from here. The page's own inline
# scripts are allowed by their sha256 (added per response), never by 'unsafe-inline'. Styles do
# need 'unsafe-inline': swagger-ui and ReDoc (styled-components) inject <style> at runtime.
DOCS_CSP = (
    "default-src 'none'; "
    "script-src https://cdn.jsdelivr.net{hashes}; "
    "style-src https://cdn.jsdelivr.net https://fonts.googleapis.com 'unsafe-inline'; "
    "img-src 'self' data: https://fastapi.tiangolo.com; "
    "font-src https://fonts.gstatic.com; "
    "connect-src 'self'; "
    "worker-src blob:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL)
HSTS = "max-age=63072000; includeSubDomains"
BODY_TOO_LARGE = "Request body too large"


def route_path(scope: Scope) -> str:
    """The path the app routes on: without the `root_path` a proxy mounted it under."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


CSP = "Content-Security-Policy"


def _raw_header(name: str, value: str) -> tuple[bytes, bytes]:
    return name.lower().encode("latin-1"), value.encode("latin-1")


def _csp_hashes(body: bytes) -> str:
    digests = (hashlib.sha256(script).digest() for script in _INLINE_SCRIPT.findall(body))
    return "".join(f" 'sha256-{b64encode(digest).decode()}'" for digest in digests)


class SecurityHeadersMiddleware:
    """Security headers on every HTTP response; a route's own header of the same name wins.

    On the docs pages the response is held until complete to hash its inline scripts into the
    CSP (these pages are small and sent in one piece).
    """

    def __init__(self, app: ASGIApp, *, hsts: bool, docs_paths: frozenset[str]) -> None:
        self.app = app
        headers = {
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "no-referrer",
        }
        if hsts:
            headers["Strict-Transport-Security"] = HSTS
        # Raw ASGI pairs built once (lower-case names, as Starlette writes them): per request
        # only the names the route already set are looked at.
        self.headers = [_raw_header(name, value) for name, value in headers.items()]
        self.api_headers = [*self.headers, _raw_header(CSP, API_CSP)]
        self.docs_paths = docs_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
        elif route_path(scope) in self.docs_paths:
            await self._docs(scope, receive, send)
        else:
            await self.app(scope, receive, self._adding(send, self.api_headers))

    @staticmethod
    def _adding(send: Send, headers: list[tuple[bytes, bytes]]) -> Send:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", ()))
                present = {name.lower() for name, _ in raw}
                raw.extend(header for header in headers if header[0] not in present)
                message["headers"] = raw
            await send(message)

        return send_with_headers

    async def _docs(self, scope: Scope, receive: Receive, send: Send) -> None:
        start: Message | None = None
        body = bytearray()

        async def hold(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            body.extend(message.get("body", b""))
            if not message.get("more_body", False):
                csp = DOCS_CSP.format(hashes=_csp_hashes(bytes(body)))
                await self._adding(send, [*self.headers, _raw_header(CSP, csp)])(start)
                await send({"type": "http.response.body", "body": bytes(body)})

        await self.app(scope, receive, hold)


class BodyTooLarge(HTTPException):
    """Raised from `receive` once the body passes the limit; an HTTPException so that FastAPI's
    body parsing re-raises it (a plain exception there becomes a 400) and the app's handler
    answers 413."""

    def __init__(self) -> None:
        super().__init__(status.HTTP_413_CONTENT_TOO_LARGE, BODY_TOO_LARGE)


def _under(path: str, prefix: str) -> bool:
    """`path` is `prefix` or below it; a `*` segment of the prefix matches any one segment
    (`/books/*/cover`)."""
    if "*" not in prefix:
        return path == prefix or path.startswith(prefix + "/")
    wanted, actual = prefix.split("/"), path.split("/")
    return len(actual) >= len(wanted) and all(
        want in ("*", have) for want, have in zip(wanted, actual, strict=False)
    )


def _content_length(scope: Scope) -> tuple[bytes, bool]:
    """The raw `Content-Length` value (b"" without one), and whether the body is chunked: a
    scan, not a `Headers` object per request."""
    length, chunked = b"", False
    for name, value in scope["headers"]:
        if name == b"content-length":
            length = bytes(value)
        elif name == b"transfer-encoding":
            chunked = True
    return length, chunked


def _longer_than(length: bytes, limit: int) -> bool:
    """`length` (digits) above `limit`, without parsing thousands of digits (Python refuses
    to parse an int of more than 4300: a ValueError, then a 500)."""
    digits = length.lstrip(b"0")
    return len(digits) > len(str(limit)) or int(digits or b"0") > limit


CLOSE = (b"connection", b"close")
# What the server may read and drop after an early answer, to keep the connection.
DRAIN_LIMIT_BYTES = 64 * 1024


class BodySizeLimitMiddleware:
    """413 `{"detail": "Request body too large"}` for bodies over the limit.

    A `Content-Length` over the limit is refused before the app is called. Otherwise (chunked, or
    an honest length) bytes are counted as the app receives them; the message that would pass the
    limit is not delivered: `BodyTooLarge` is raised in the app instead. `limits` maps path
    prefixes (`/files`, or `/books/*/cover` with `*` for one segment) to their own limits, the
    longest matching prefix winning, so upload routes can allow more than the JSON default.

    Not Starlette's `RequestBodyLimitMiddleware`: it calls the app before refusing a too-large
    Content-Length, answers text/plain, and a route can only tighten its limit.
    """

    def __init__(self, app: ASGIApp, *, default: int, limits: Mapping[str, int]) -> None:
        self.app = app
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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(route_path(scope))
        length, chunked = _content_length(scope)
        if length.isdigit() and _longer_than(length, limit):
            await self._too_large(
                scope, receive, send, close=_longer_than(length, DRAIN_LIMIT_BYTES)
            )
            return
        # Under the limit now, so a plain int; None when the size is unknown until the end.
        announced = None if chunked or not length.isdigit() else int(length.lstrip(b"0") or b"0")
        body_ended = not chunked and announced in (None, 0)
        received = 0
        response_started = False

        async def receive_limited() -> Message:
            nonlocal received, body_ended
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
                body_ended = body_ended or not message.get("more_body", False)
            return message

        def too_much_left() -> bool:
            return not body_ended and (
                announced is None or announced - received > DRAIN_LIMIT_BYTES
            )

        async def send_tracking(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
                if too_much_left():
                    message = {**message, "headers": [*message.get("headers", ()), CLOSE]}
            await send(message)

        try:
            await self.app(scope, receive_limited, send_tracking)
        except BodyTooLarge:
            if response_started:
                raise
            await self._too_large(scope, receive, send, close=too_much_left())

    @staticmethod
    async def _too_large(scope: Scope, receive: Receive, send: Send, *, close: bool) -> None:
        response = JSONResponse(
            {"detail": BODY_TOO_LARGE},
            status_code=status.HTTP_413_CONTENT_TOO_LARGE,
            headers={"Connection": "close"} if close else None,
        )
        await response(scope, receive, send)


def _docs_paths(app: FastAPI) -> frozenset[str]:
    paths = [app.docs_url, app.redoc_url]
    if app.docs_url:
        paths.append(app.swagger_ui_oauth2_redirect_url)
    return frozenset(path for path in paths if path)


def install_middleware(
    app: FastAPI, settings: Settings, *, body_limits: Mapping[str, int] | None = None
) -> None:
    """Adds the stack described in this module's docstring.

    `add_middleware` puts each new one outside the ones before: innermost first here.
    `body_limits`: per path prefix body limits overriding `settings.max_body_bytes`.
    """
    app.add_middleware(
        BodySizeLimitMiddleware, default=settings.max_body_bytes, limits=body_limits or {}
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", REQUEST_ID_HEADER],
            expose_headers=[REQUEST_ID_HEADER, "X-Total-Count", "Link", "Retry-After"],
        )
    app.add_middleware(RequestContextMiddleware)
    app.add_middleware(
        SecurityHeadersMiddleware,
        hsts=settings.environment is Environment.PRODUCTION,
        docs_paths=_docs_paths(app),
    )
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_SIZE)
