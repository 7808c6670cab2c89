"""The Redis event bus across two app instances (two server processes, one Redis channel)."""

import httpx
from starlette.types import ASGIApp

from app.core.config import Settings
from tests.fixtures.app import BASE_URL
from tests.support.data import CreateUser
from tests.support.payloads.books import DUNE
from tests.support.tokens import bearer
from tests.support.websockets import access_token, next_json, ws_connector


async def test_event_published_by_one_instance_reaches_clients_of_both(
    redis_apps: tuple[ASGIApp, ASGIApp], create_user: CreateUser, settings: Settings
) -> None:
    first, second = redis_apps
    listener, author = await create_user(), await create_user()
    path = f"/ws/events?token={access_token(settings, listener)}"
    async with (
        ws_connector(first)(path) as on_first,
        ws_connector(second)(path) as on_second,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=first), base_url=BASE_URL) as client,
    ):
        response = await client.post(
            "/books", json=DUNE, headers=bearer(access_token(settings, author))
        )
        assert response.status_code == 201, response.text
        expected = {"type": "book.created", "book": response.json()}
        assert await next_json(on_second) == expected
        assert await next_json(on_first) == expected
