from collections.abc import AsyncIterator
from functools import partial
from typing import Any

import httpx
import pytest
import structlog
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.body_limit import BodyLimits
from app.core.edge import Edge, Wrap

BASE_URL = "http://test"
SHOP = "https://shop.example"
LIMIT = 64


def edge(app: ASGIApp, *, cors: Wrap | None = None) -> Edge:
    return Edge(
        app,
        hsts=False,
        docs_paths=frozenset(),
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
