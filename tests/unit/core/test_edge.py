import hashlib
from base64 import b64encode
from collections.abc import AsyncIterator
from functools import partial
from typing import Any

import httpx
import pytest
import structlog
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.body_limit import BodyLimits
from app.core.edge import Edge, Wrap, route_path
from app.core.security_headers import CSP, DOCS_CSP, SecurityHeaders, raw_header

BASE_URL = "http://test"
SHOP = "https://shop.example"
LIMIT = 64


DOCS = "/docs"
REQUEST_ID = (b"x-request-id", b"trace-docs")


def edge(app: ASGIApp, *, cors: Wrap | None = None) -> Edge:
    return Edge(
        app,
        hsts=False,
        docs_paths=frozenset({DOCS}),
        body_limits=BodyLimits(default=LIMIT, limits={}),
        cors=cors,
    )


def sending(headers: list[tuple[bytes, bytes]]) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"ok"})

    return app


async def read_all(scope: Scope, receive: Receive, send: Send) -> None:
    """A raw ASGI app reading its whole body: nothing answers `BodyTooLarge` but the edge."""
    more = True
    while more:
        more = (await receive()).get("more_body", False)
    await sending([])(scope, receive, send)


async def chunked(size: int) -> AsyncIterator[bytes]:
    for start in range(0, size, 32):
        yield b"x" * min(32, size - start)


async def call(app: ASGIApp, method: str = "GET", **kwargs: Any) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        return await client.request(method, "/", **kwargs)


class TestSecurityHeaders:
    @pytest.mark.parametrize(
        "name",
        [
            pytest.param(b"x-frame-options", id="lower_case"),
            pytest.param(b"X-Frame-Options", id="as_written"),
        ],
    )
    async def test_a_routes_own_header_wins(self, name: bytes) -> None:
        response = await call(edge(sending([(name, b"SAMEORIGIN")])))

        assert response.status_code == 200, response.text
        assert {
            header: response.headers.get_list(header)
            for header in ("X-Frame-Options", "X-Content-Type-Options", "Content-Security-Policy")
        } == {
            "X-Frame-Options": ["SAMEORIGIN"],
            "X-Content-Type-Options": ["nosniff"],
            "Content-Security-Policy": ["default-src 'none'; frame-ancestors 'none'"],
        }

    async def test_a_start_without_headers_gets_them_all_and_the_id(self) -> None:
        """`headers` is optional in an ASGI start message."""
        app = replaying(
            [{"type": "http.response.start", "status": 204}, {"type": "http.response.body"}]
        )

        sent = await sent_for(app, "/")

        assert sent == [
            {
                "type": "http.response.start",
                "status": 204,
                "headers": [*SecurityHeaders(hsts=False).api, REQUEST_ID],
            },
            {"type": "http.response.body"},
        ]


def replaying(messages: list[Message]) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        for message in messages:
            await send(message)

    return app


async def sent_for(app: ASGIApp, path: str = DOCS) -> list[Message]:
    """The messages the edge sends on for a request to `path` (the docs page) answered by `app`."""
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "headers": [REQUEST_ID]}
    await edge(app)(scope, _no_receive, send)
    return sent


class TestDocsPage:
    async def test_a_page_sent_in_pieces_goes_out_whole_once_with_its_script_hashed(
        self,
    ) -> None:
        """`headers`, `body` and `more_body` are optional in ASGI messages."""
        app = replaying(
            [
                {"type": "http.response.start", "status": 200},
                {"type": "http.response.body", "body": b"<script>go()</script>", "more_body": True},
                {"type": "http.response.body", "body": b"<p>docs</p>", "more_body": True},
                {"type": "http.response.body"},
            ]
        )

        sent = await sent_for(app)

        digest = b64encode(hashlib.sha256(b"go()").digest()).decode()
        csp = raw_header(CSP, DOCS_CSP.format(hashes=f" 'sha256-{digest}'"))
        others = [header for header in SecurityHeaders(hsts=False).api if header[0] != csp[0]]
        assert sent == [
            {"type": "http.response.start", "status": 200, "headers": [csp, *others, REQUEST_ID]},
            {"type": "http.response.body", "body": b"<script>go()</script><p>docs</p>"},
        ]

    async def test_trailers_after_the_page_are_passed_on_after_it(self) -> None:
        trailers = {"type": "http.response.trailers", "headers": [(b"x-digest", b"abc")]}
        start = {"type": "http.response.start", "status": 200, "headers": [], "trailers": True}
        app = replaying([start, {"type": "http.response.body", "body": b"page"}, trailers])

        sent = await sent_for(app)

        assert [(message["type"], message.get("body")) for message in sent] == [
            ("http.response.start", None),
            ("http.response.body", b"page"),
            ("http.response.trailers", None),
        ]
        assert sent[2] == trailers

    async def test_a_body_before_the_start_is_passed_on_for_the_server_to_refuse(self) -> None:
        body = {"type": "http.response.body", "body": b"page"}

        sent = await sent_for(replaying([body]))

        assert sent == [body]


class TestBodyTooLargeOutsideFastAPI:
    async def test_the_edge_answers_413_through_cors(self) -> None:
        app = edge(read_all, cors=partial(CORSMiddleware, allow_origins=[SHOP]))

        response = await call(app, "POST", content=chunked(2 * LIMIT), headers={"Origin": SHOP})

        assert response.status_code == 413, response.text
        assert response.json() == {"detail": "Request body too large"}
        assert (
            response.headers["Access-Control-Allow-Origin"],
            response.headers["Connection"],
        ) == (
            SHOP,
            "close",
        )


class TestOtherScopes:
    async def test_a_websocket_runs_with_its_request_id_in_the_log_context(self) -> None:
        seen: list[object] = []

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            seen.append(structlog.contextvars.get_contextvars().get("request_id"))

        before = structlog.contextvars.get_contextvars()
        scope = {"type": "websocket", "headers": [(b"x-request-id", b"trace-ws")]}
        await edge(app)(scope, _no_receive, _no_send)

        assert seen == ["trace-ws"]
        assert structlog.contextvars.get_contextvars() == before

    async def test_lifespan_passes_straight_through(self) -> None:
        seen: list[Scope] = []

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            seen.append(scope)

        scope = {"type": "lifespan"}
        await edge(app)(scope, _no_receive, _no_send)

        assert seen == [scope]


class TestCrashAfterTheResponseStarted:
    async def test_no_second_response_is_sent_and_the_exception_reaches_the_server(self) -> None:
        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"part", "more_body": True})
            raise RuntimeError("unexpected")

        sent: list[Message] = []

        async def send(message: Message) -> None:
            sent.append(message)

        scope = {"type": "http", "method": "GET", "path": "/", "headers": []}
        with pytest.raises(RuntimeError, match=r"^unexpected$"):
            await edge(app)(scope, _no_receive, send)

        assert [(message["type"], message.get("status")) for message in sent] == [
            ("http.response.start", 200),
            ("http.response.body", None),
        ]


async def _no_receive() -> Message:
    raise AssertionError("not called")


async def _no_send(message: Message) -> None:
    raise AssertionError("not called")


@pytest.mark.parametrize(
    ("root_path", "path", "expected"),
    [
        pytest.param("", "/books", "/books", id="at_the_root"),
        pytest.param("/api", "/api/books", "/books", id="path_holds_the_root_path"),
        pytest.param("/api", "/books", "/books", id="server_that_leaves_the_root_path_out"),
    ],
)
def test_the_route_path_drops_the_root_path_only_where_the_path_starts_with_it(
    root_path: str, path: str, expected: str
) -> None:
    """ASGI servers differ: most send the full path, some the path without the root_path."""
    assert route_path({"type": "http", "path": path, "root_path": root_path}) == expected
