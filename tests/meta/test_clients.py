"""`client` and `sync_client` behave the same: one journey, written once, run through both.

The journey is a generator that yields requests and receives responses, so the same
assertions run in an async test and in a sync one. Through `sync_client` it also proves the
per-test session works on the TestClient's own loop (asyncpg on PostgreSQL in CI).
"""

from collections.abc import Generator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import httpx
from dirty_equals import IsDatetime, IsInt, IsStr
from starlette.testclient import TestClient

from tests.factories import TEST_PASSWORD


class Response(Protocol):
    """What the journey reads from an httpx or httpx2 (TestClient) response."""

    @property
    def status_code(self) -> int: ...

    @property
    def text(self) -> str: ...

    def json(self, **kwargs: Any) -> Any: ...


@dataclass(frozen=True)
class Call:
    method: str
    url: str
    json: dict[str, str] | None = None
    headers: dict[str, str] | None = None


Journey = Generator[Call, Response, None]


def register_log_in_and_read_me(email: str) -> Journey:
    registered = yield Call(
        "POST", "/auth/register", {"name": "Journey", "email": email, "password": TEST_PASSWORD}
    )
    assert registered.status_code == 201, registered.text
    user = registered.json()
    assert user == {
        "id": IsInt(gt=0),
        "name": "Journey",
        "email": email,
        "role": "customer",
        "is_active": True,
        "created_at": IsDatetime(
            approx=datetime.now(UTC), delta=timedelta(minutes=1), iso_string=True, enforce_tz=True
        ),
    }

    logged_in = yield Call("POST", "/auth/login", {"email": email, "password": TEST_PASSWORD})
    assert logged_in.status_code == 200, logged_in.text
    tokens = logged_in.json()
    assert tokens == {
        "access_token": IsStr(regex=r"[\w-]+\.[\w-]+\.[\w-]+"),
        "refresh_token": IsStr(regex=r"[\w-]+\.[\w-]+\.[\w-]+"),
        "token_type": "bearer",
        "expires_in": 900,
    }

    me = yield Call(
        "GET", "/users/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert me.status_code == 200, me.text
    assert me.json() == user


async def run_async(journey: Journey, client: httpx.AsyncClient) -> None:
    call = next(journey)
    while True:
        response = await client.request(call.method, call.url, json=call.json, headers=call.headers)
        try:
            call = journey.send(response)
        except StopIteration:
            return


def run_sync(journey: Journey, client: TestClient) -> None:
    call = next(journey)
    while True:
        response = client.request(call.method, call.url, json=call.json, headers=call.headers)
        try:
            call = journey.send(response)
        except StopIteration:
            return


async def test_register_log_in_and_read_me_through_client(client: httpx.AsyncClient) -> None:
    await run_async(register_log_in_and_read_me("async@example.com"), client)


def test_register_log_in_and_read_me_through_sync_client(sync_client: TestClient) -> None:
    run_sync(register_log_in_and_read_me("sync@example.com"), sync_client)
