"""413 before the body is read (API.md, General rules): refused at once on a too-large
Content-Length, stopped at the limit while streaming a chunked one; limits per path prefix."""

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest
from fastapi import FastAPI, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.body_limit import DRAIN_LIMIT_BYTES, BodyLimits
from app.core.config import Settings
from app.core.edge import Edge
from tests.fixtures.app import BASE_URL

LIMIT = 1024
TOO_LARGE = {"detail": "Request body too large"}
TOO_LARGE_BODY = b'{"detail":"Request body too large"}'


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"max_body_bytes": LIMIT})


@dataclass
class Sink:
    """What the app's handler saw, and how many body bytes were pulled from the client."""

    handler_ran: bool = False
    chunks: list[int] = field(default_factory=list)
    pulled: int = 0


def counting(app: ASGIApp, sink: Sink) -> ASGIApp:
    async def wrapper(scope: Scope, receive: Receive, send: Send) -> None:
        async def counted() -> Message:
            message = await receive()
            sink.pulled += len(message.get("body", b""))
            return message

        await app(scope, counted, send)

    return wrapper


@pytest.fixture
async def sink(
    fresh_app: FastAPI, running_app: ASGIApp
) -> AsyncIterator[tuple[Sink, httpx.AsyncClient]]:
    """A `/test/sink` route recording what it read, and a client counting what was pulled."""
    record = Sink()

    async def swallow(request: Request) -> dict[str, int]:
        record.handler_ran = True
        async for chunk in request.stream():
            if chunk:
                record.chunks.append(len(chunk))
        return {"received": sum(record.chunks)}

    fresh_app.add_api_route("/test/sink", swallow, methods=["POST"])
    transport = httpx.ASGITransport(app=counting(running_app, record))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        yield record, client


async def chunked(size: int, chunk: int = 256) -> AsyncIterator[bytes]:
    for start in range(0, size, chunk):
        yield b"x" * min(chunk, size - start)


class TestContentLength:
    async def test_over_the_limit_is_413_before_the_app_reads_a_byte(
        self, sink: tuple[Sink, httpx.AsyncClient]
    ) -> None:
        record, client = sink

        response = await client.post("/test/sink", content=b"x" * (LIMIT + 1))

        assert response.status_code == 413, response.text
        assert response.json() == TOO_LARGE
        assert record == Sink(handler_ran=False, chunks=[], pulled=0)
        # A small rest is left to the server to read and drop: the connection is kept.
        assert "connection" not in response.headers

    async def test_a_large_unread_body_closes_the_connection(
        self, sink: tuple[Sink, httpx.AsyncClient]
    ) -> None:
        """The server must drop the rest, not read it in to keep the connection."""
        record, client = sink

        response = await client.post("/test/sink", content=b"x" * (DRAIN_LIMIT_BYTES + 1))

        assert response.status_code == 413, response.text
        assert (record.pulled, response.headers["connection"]) == (0, "close")

    async def test_at_the_limit_is_read_whole(self, sink: tuple[Sink, httpx.AsyncClient]) -> None:
        record, client = sink

        response = await client.post("/test/sink", content=b"x" * LIMIT)

        assert response.status_code == 200, response.text
        assert response.json() == {"received": LIMIT}
        assert (record.handler_ran, sum(record.chunks), record.pulled) == (True, LIMIT, LIMIT)
        assert "connection" not in response.headers

    async def test_a_length_of_thousands_of_digits_is_413(
        self, sink: tuple[Sink, httpx.AsyncClient]
    ) -> None:
        """Python refuses to parse an int of more than 4300 digits (a ValueError, a 500)."""
        record, client = sink
        length = "9" * 5000

        response = await client.post("/test/sink", content=b"x", headers={"Content-Length": length})

        assert response.status_code == 413, response.text
        assert record.handler_ran is False

    async def test_leading_zeros_are_the_same_length(
        self, sink: tuple[Sink, httpx.AsyncClient]
    ) -> None:
        record, client = sink
        length = "0" * 5000 + "1"

        response = await client.post("/test/sink", content=b"x", headers={"Content-Length": length})

        assert response.status_code == 200, response.text
        assert (response.json(), record.pulled) == ({"received": 1}, 1)


class TestChunked:
    async def test_over_the_limit_is_413_and_the_app_never_sees_more_than_the_limit(
        self, sink: tuple[Sink, httpx.AsyncClient]
    ) -> None:
        record, client = sink

        response = await client.post("/test/sink", content=chunked(16 * LIMIT))

        assert response.status_code == 413, response.text
        assert response.json() == TOO_LARGE
        # Four 256-byte chunks reach the app; the fifth is pulled, counted and withheld.
        assert record == Sink(handler_ran=True, chunks=[256] * 4, pulled=LIMIT + 256)
        # How much is left is unknown: the server must not read it in.
        assert response.headers["connection"] == "close"

    async def test_at_the_limit_is_read_whole(self, sink: tuple[Sink, httpx.AsyncClient]) -> None:
        record, client = sink

        response = await client.post("/test/sink", content=chunked(LIMIT))

        assert response.status_code == 200, response.text
        assert response.json() == {"received": LIMIT}
        assert record == Sink(handler_ran=True, chunks=[256] * 4, pulled=LIMIT)

    async def test_a_json_endpoint_answers_413_not_a_parse_error(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            "/auth/register",
            content=chunked(2 * LIMIT),
            headers={"Content-Type": "application/json"},
        )

        assert response.status_code == 413, response.text
        assert response.json() == TOO_LARGE


@pytest.fixture
async def crashing_client(
    fresh_app: FastAPI, running_app: ASGIApp
) -> AsyncIterator[httpx.AsyncClient]:
    """A client getting the 500s of a `/test/crash` route that never reads its body."""

    async def crash() -> None:
        raise RuntimeError("unexpected")

    fresh_app.add_api_route("/test/crash", crash, methods=["POST"])
    transport = httpx.ASGITransport(app=running_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        yield client


class TestAnyAnswerBeforeTheBody:
    """The `Connection: close` rule holds for every response, not only the body limit's."""

    async def test_a_500_with_an_unknown_rest_closes_the_connection(
        self, crashing_client: httpx.AsyncClient
    ) -> None:
        response = await crashing_client.post("/test/crash", content=chunked(LIMIT))

        assert response.status_code == 500, response.text
        assert response.headers["connection"] == "close"

    async def test_a_500_with_a_small_rest_keeps_the_connection(
        self, crashing_client: httpx.AsyncClient
    ) -> None:
        response = await crashing_client.post("/test/crash", content=b"x" * LIMIT)

        assert response.status_code == 500, response.text
        assert "connection" not in response.headers


async def echo_length(scope: Scope, receive: Receive, send: Send) -> None:
    size, more = 0, True
    while more:
        message = await receive()
        size, more = size + len(message.get("body", b"")), message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(size).encode()})


class TestPerPrefixLimits:
    @pytest.mark.parametrize(
        ("path", "status"),
        [
            pytest.param("/uploads", 200, id="the_prefix_itself"),
            pytest.param("/uploads/covers", 200, id="under_the_prefix"),
            pytest.param("/uploads/covers/big", 413, id="longer_prefix_wins"),
            pytest.param("/uploadsx", 413, id="same_start_other_segment"),
            pytest.param("/books", 413, id="elsewhere_the_default"),
        ],
    )
    @pytest.mark.parametrize(
        "is_chunked",
        [pytest.param(False, id="content_length"), pytest.param(True, id="chunked")],
    )
    @pytest.mark.parametrize(
        "root_path", [pytest.param("", id="at_the_root"), pytest.param("/api", id="under_a_proxy")]
    )
    async def test_a_prefix_gets_its_own_limit(
        self, path: str, status: int, is_chunked: bool, root_path: str
    ) -> None:
        """Behind a proxy that mounts the app under a `root_path`, prefixes match without it."""
        app = Edge(
            echo_length,
            hsts=False,
            docs_paths=frozenset(),
            body_limits=BodyLimits(
                default=LIMIT, limits={"/uploads/": 4096, "/uploads/covers/big": 2048}
            ),
        )
        body = chunked(3000) if is_chunked else b"x" * 3000
        transport = httpx.ASGITransport(app=app, root_path=root_path)

        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            response = await client.post(root_path + path, content=body)

        assert response.status_code == status, response.text
        assert response.content == (b"3000" if status == 200 else TOO_LARGE_BODY)
