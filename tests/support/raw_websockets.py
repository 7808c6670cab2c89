"""A WebSocket client that reads only when told to, for the resilience layer (tests/resilience/).

`raw_websocket(base_url, path)` opens a real socket to a live server (tests/support/live_server.py)
with a small receive buffer, and nothing reads from it until the test asks: every frame the
server sends meanwhile piles up on the server's side, as behind a client that stopped reading.
`send_text` writes one frame; `receive_text` reads up to the next text frame; `read_until_close`
reads everything up to the server's close frame. Framing is websockets' sans-I/O client.

Every wait here has a deadline that only turns a hang into a failure naming what was
awaited, never a timed assertion (issue 15).
"""

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Request, Response
from websockets.uri import parse_uri

DEADLINE_SECONDS = 30.0
# The kernel's receive buffer and asyncio's read limit: little is taken off the wire unread.
RECEIVE_BUFFER_BYTES = 4096


@dataclass
class Closed:
    """What a client read until the server closed: the text frames, then the close code."""

    messages: list[str] = field(default_factory=list)
    code: int | None = None


class RawWebSocket:
    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, protocol: ClientProtocol
    ) -> None:
        self._reader = reader
        self._writer = writer
        self._protocol = protocol
        self._texts: list[str] = []

    async def send_text(self, text: str) -> None:
        """Writes one text frame; waits while the server is not reading (TCP backpressure)."""
        self._protocol.send_text(text.encode())
        self._writer.write(b"".join(self._protocol.data_to_send()))
        await self._writer.drain()

    async def receive_text(self) -> str:
        """The next text frame; fails when the server closes first or after the deadline."""
        async with asyncio.timeout(DEADLINE_SECONDS):  # bounds a hang only
            while not self._texts:
                if not await self._read() or self._protocol.close_rcvd is not None:
                    raise AssertionError(f"closed before a text frame: {self._protocol.close_rcvd}")
        return self._texts.pop(0)

    async def read_until_close(self) -> Closed:
        """Every text frame up to the close frame, and its code (None: closed without one)."""
        try:
            async with asyncio.timeout(DEADLINE_SECONDS):
                while self._protocol.close_rcvd is None and await self._read():
                    pass
        except TimeoutError:
            raise AssertionError(
                f"no close frame after {DEADLINE_SECONDS} s; read {len(self._texts)} text frames"
            ) from None
        closed = Closed(self._texts, None)
        self._texts = []
        if self._protocol.close_rcvd is not None:
            closed.code = self._protocol.close_rcvd.code
        return closed

    async def _read(self) -> bool:
        """Takes what arrived off the wire; False at end of stream."""
        data = await self._reader.read(RECEIVE_BUFFER_BYTES)
        if data:
            self._protocol.receive_data(data)
        else:
            self._protocol.receive_eof()
        self.take(self._protocol.events_received())
        return bool(data)

    def take(self, events: list[Request | Response | Frame]) -> None:
        """Keeps the text frames among `events` for `receive_text` and `read_until_close`."""
        for event in events:
            if isinstance(event, Frame) and event.opcode is Opcode.TEXT:
                assert event.fin, "the server does not fragment its messages"
                self._texts.append(bytes(event.data).decode())


async def _open_socket(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER_BYTES)
    sock.setblocking(False)
    try:
        await asyncio.get_running_loop().sock_connect(sock, (host, port))
    except BaseException:
        sock.close()
        raise
    return sock


@asynccontextmanager
async def raw_websocket(base_url: str, path: str) -> AsyncIterator[RawWebSocket]:
    """A handshaken WebSocket to `base_url` + `path`; aborted (no closing handshake) on exit."""
    url = urlsplit(base_url)
    assert url.hostname is not None, base_url
    assert url.port is not None, base_url
    protocol = ClientProtocol(parse_uri(f"ws://{url.hostname}:{url.port}{path}"), max_size=None)
    sock = await _open_socket(url.hostname, url.port)
    reader, writer = await asyncio.open_connection(sock=sock, limit=RECEIVE_BUFFER_BYTES)
    websocket = RawWebSocket(reader, writer, protocol)
    try:
        async with asyncio.timeout(DEADLINE_SECONDS):  # bounds a hang only
            protocol.send_request(protocol.connect())
            writer.write(b"".join(protocol.data_to_send()))
            events: list[Request | Response | Frame] = []
            while not any(isinstance(event, Response) for event in events):
                data = await reader.read(RECEIVE_BUFFER_BYTES)
                assert data, f"{path}: the server closed during the handshake"
                protocol.receive_data(data)
                events = protocol.events_received()
                websocket.take(events)  # the first frames may come with the response
        if protocol.handshake_exc is not None:
            raise protocol.handshake_exc
        yield websocket
    finally:
        writer.transport.abort()
