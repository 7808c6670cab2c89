"""A refused upload is answered before its body is read (issue 15, finding 8).

Each request announces a large body and sends only its first kilobyte, then waits: a server
that reads the body before it checks the caller would wait for the rest until its timeout.
The refusal must come at once, and the connection end with it (the rest is never read).
"""

import http.client
from collections.abc import Callable

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import Settings
from app.main import create_app
from app.users.models import User
from tests.factories import BookFactory, UserFactory, persist
from tests.support.host import bearer_headers
from tests.support.live_server import Serve
from tests.support.stalled_clients import ANSWER_DEADLINE_SECONDS, unfinished_upload

# Under every upload route's body limit (a cover's is the smallest), so no 413 answers first.
ANNOUNCED_BYTES = 4 * 1024 * 1024
# The start of a well-formed multipart body: a reader of it waits for the rest.
SENT = (
    b"--b\r\n"
    b'Content-Disposition: form-data; name="file"; filename="a.png"\r\n'
    b"Content-Type: image/png\r\n\r\n" + b"\x89PNG\r\n\x1a\n" + bytes(1024)
)
MULTIPART = {"Content-Type": "multipart/form-data; boundary=b"}

Headers = Callable[[Settings, User], dict[str, str]]


def anonymous(_settings: Settings, _user: User) -> dict[str, str]:
    return {}


def forged(_settings: Settings, _user: User) -> dict[str, str]:
    return {"Authorization": "Bearer not.a.token"}


def someone_else(settings: Settings, user: User) -> dict[str, str]:
    return bearer_headers(settings, user)


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        pytest.param("/files/upload", anonymous, "401", id="upload_anonymous"),
        pytest.param("/files/upload", forged, "401", id="upload_forged_token"),
        pytest.param("/files/upload-multiple", anonymous, "401", id="multiple_anonymous"),
        pytest.param("/books/{book_id}/cover", anonymous, "401", id="cover_anonymous"),
        pytest.param("/books/{book_id}/cover", someone_else, "403", id="cover_not_the_owner"),
    ],
)
async def test_a_refused_upload_is_answered_without_its_body(
    production_settings: Settings,
    committed_db: async_sessionmaker[AsyncSession],
    serve: Serve,
    path: str,
    headers: Headers,
    status: str,
) -> None:
    async with committed_db() as session:
        owner = await persist(session, UserFactory)
        stranger = await persist(session, UserFactory)
        book = await persist(session, BookFactory, owner_id=owner.id)
    base_url = serve(create_app(production_settings))
    method = "PUT" if path.endswith("/cover") else "POST"
    request_headers = {**MULTIPART, **headers(production_settings, stranger)}

    with unfinished_upload(
        base_url,
        path.format(book_id=book.id),
        method=method,
        announced=ANNOUNCED_BYTES,
        sent=SENT,
        headers=request_headers,
    ) as sock:
        answer = b""
        while chunk := sock.recv(65536):  # to the end: the server closes the connection
            answer += chunk

    head = answer.partition(b"\r\n\r\n")[0]
    status_line, *answer_headers = head.decode("latin-1").split("\r\n")
    assert status_line.split(" ")[1] == status, answer.decode()
    assert "connection: close" in [header.lower() for header in answer_headers], head.decode()


async def test_a_refused_small_upload_keeps_the_connection(
    production_settings: Settings, serve: Serve
) -> None:
    """A rest the server can read and drop is not worth a close: closing with the client's last
    bytes still coming makes the kernel answer them with a reset, which can destroy the answer
    before the client reads it (Schemathesis saw `Connection reset by peer`)."""
    host, port = serve(create_app(production_settings)).removeprefix("http://").split(":")
    body = SENT + b"\r\n--b--\r\n"
    connection = http.client.HTTPConnection(host, int(port), timeout=ANSWER_DEADLINE_SECONDS)
    try:
        connection.request("POST", "/files/upload", body=body, headers=MULTIPART)
        refused = connection.getresponse()
        refused.read()
        kept = connection.sock  # None once http.client saw the server close it
        connection.request("GET", "/health")
        health = connection.getresponse()
        health.read()
        second = connection.sock
    finally:
        connection.close()

    assert (refused.status, refused.getheader("Connection")) == (401, None)
    assert health.status == 200
    assert kept is not None
    assert second is kept
