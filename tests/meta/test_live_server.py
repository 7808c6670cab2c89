"""`live_server` (tests/fixtures/live.py, issue 18): the test's app under uvicorn on a loopback
port, reached from outside the process's ASGI transport (a raw socket, httpx over TCP); what it
commits is seen through `committed_db` and gone after the test; the server is stopped after the
test (its port closed, its thread gone)."""

import json
import socket
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app import __version__
from app.notifications.mail import Mail
from app.users.models import User
from tests.fixtures.live import LiveServer
from tests.fixtures.mail import Outbox
from tests.meta.support import committed_emails

REGISTRATION = {"name": "Ada Lovelace", "email": "ada@example.com", "password": "correct horse"}
WELCOME = Mail(
    to="ada@example.com",
    subject="Welcome to the bookstore",
    body="Hello Ada Lovelace, your account is ready.",
)
SOCKET_TIMEOUT_SECONDS = 10.0
CaptureTasks = Callable[..., Any]


@pytest.fixture
async def stopped_after(database_url: str) -> AsyncIterator[list[LiveServer]]:
    """Requested before `live_server`, so torn down after it and after `committed_db`: checks
    that the servers the test put here have stopped and their rows are gone."""
    servers: list[LiveServer] = []
    yield servers
    assert servers, "the test put no server here"
    for server in servers:
        assert not server.thread.is_alive()
        assert server.thread not in threading.enumerate()
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((server.host, server.port), SOCKET_TIMEOUT_SECONDS).close()
    assert await committed_emails(database_url) == []


def _raw_get(server: LiveServer, path: str) -> tuple[str, bytes]:
    with socket.create_connection((server.host, server.port), SOCKET_TIMEOUT_SECONDS) as sock:
        sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: {server.host}\r\nConnection: close\r\n\r\n".encode()
        )
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return head.decode().split("\r\n")[0], body


def test_a_raw_socket_request_reaches_the_app(
    stopped_after: list[LiveServer], live_server: LiveServer
) -> None:
    stopped_after.append(live_server)

    status_line, body = _raw_get(live_server, "/health")

    assert live_server.url == f"http://127.0.0.1:{live_server.port}"
    assert status_line == "HTTP/1.1 200 OK"
    assert json.loads(body) == {"status": "healthy", "version": __version__}


async def test_rows_the_app_commits_over_tcp_are_seen_through_committed_db(
    stopped_after: list[LiveServer],
    live_server: LiveServer,
    committed_db: async_sessionmaker[AsyncSession],
    mail_outbox: Outbox,
    capture_background_tasks: CaptureTasks,
) -> None:
    """The request crosses a real socket (httpx's HTTP transport), and the server's app is the
    test's: the outbox records what it sends; its welcome mail is held, not waited for."""
    stopped_after.append(live_server)

    with capture_background_tasks(execute=False) as after_response:
        async with httpx.AsyncClient(base_url=live_server.url) as client:
            register = await client.post("/auth/register", json=REGISTRATION)
            ready = await client.get("/health/ready")

    assert register.status_code == 201, register.text
    assert ready.json()["checks"]["database"] == "ok", ready.text
    async with committed_db() as session:
        assert list(await session.scalars(select(User.email))) == [REGISTRATION["email"]]
    await after_response.run()
    assert mail_outbox == [WELCOME]


def test_live_server_beside_the_rolled_back_app_is_refused(
    request: pytest.FixtureRequest, app: object
) -> None:
    with pytest.raises(pytest.UsageError, match="live_server and app in one test"):
        request.getfixturevalue("live_server")
