"""Clients that stop half-way, on raw sockets, for live-server tests (tests/resilience/).

`stalled_reader` asks for a body and never reads it: its receive buffer is made tiny, so once
the kernel's buffers between it and the server are full, the server's next write waits for
ever. Ask for a body larger than `stalling_size()` and the server is stuck mid-stream, whatever
the loopback's buffer sizes. The reader returns once the status line has arrived (peeked, so
nothing is read that would free room): the server's handler has answered and is streaming.

`unfinished_upload` announces a body and sends only its start: what a server that reads bodies
before it authenticates waits on until its timeout.
"""

import socket
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit

# Bounds a hang only: how long a status line (or an early answer) may take to come.
ANSWER_DEADLINE_SECONDS = 30.0
RECEIVE_BUFFER_BYTES = 4096
# uvicorn's own write buffer (its high-water mark is 64 KiB) and a safety margin.
SERVER_SIDE_SLACK_BYTES = 1024 * 1024
TCP_WMEM = Path("/proc/sys/net/ipv4/tcp_wmem")


def stalling_size() -> int:
    """A body size no loopback connection can buffer whole: past the kernel's largest send
    buffer, the reader's receive buffer and the server's own write buffer."""
    largest_send_buffer = int(TCP_WMEM.read_text().split()[2]) if TCP_WMEM.exists() else 4 << 20
    return largest_send_buffer + RECEIVE_BUFFER_BYTES * 2 + SERVER_SIDE_SLACK_BYTES


def _request(
    base_url: str, method: str, path: str, headers: Mapping[str, str], body: bytes = b""
) -> tuple[tuple[str, int], bytes]:
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    head = "\r\n".join(lines) + "\r\n\r\n"
    return (host, port), head.encode("latin-1") + body


def _connect(address: tuple[str, int]) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER_BYTES)
    sock.settimeout(ANSWER_DEADLINE_SECONDS)
    sock.connect(address)
    return sock


def status_line(sock: socket.socket, *, peek: bool) -> str:
    """The response's first line, waited for (up to the deadline); peeked or read."""
    flags = socket.MSG_PEEK if peek else 0
    head = b""
    while b"\r\n" not in head:
        chunk = sock.recv(4096, flags)
        if not chunk:
            break
        head = chunk if peek else head + chunk
    return head.split(b"\r\n", 1)[0].decode("latin-1")


@contextmanager
def stalled_readers(
    base_url: str, path: str, count: int, headers: Mapping[str, str] | None = None
) -> Iterator[list[str]]:
    """`count` readers of `GET path`, all stalled once started; their status lines.

    The sockets are closed when the block ends: the server then sees them go.
    """
    address, request = _request(base_url, "GET", path, headers or {})
    with ExitStack() as stack:
        readers = [stack.enter_context(_connect(address)) for _ in range(count)]
        for reader in readers:
            reader.sendall(request)
        yield [status_line(reader, peek=True) for reader in readers]


@contextmanager
def unfinished_upload(
    base_url: str,
    path: str,
    *,
    method: str = "POST",
    announced: int,
    sent: bytes,
    headers: Mapping[str, str],
) -> Iterator[socket.socket]:
    """A request announcing `announced` bytes of body and sending only `sent`."""
    address, request = _request(
        base_url, method, path, {**headers, "Content-Length": str(announced)}, sent
    )
    with _connect(address) as sock:
        sock.sendall(request)
        yield sock
