"""WebSockets on the app as deployed (issue 21): a write made over HTTP reaches a socket through
the event bus the settings build (Redis pub/sub), and the chat room the app keeps echoes."""

import asyncio
import json
from datetime import UTC, datetime

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from app.core.events import RedisEventBus
from app.core.security import TokenType, create_token
from tests.support.eventually import DEADLINE_SECONDS, eventually
from tests.support.host import bearer_headers
from tests.support.payloads.books import DUNE
from tests.support.production import Deployed, committed_user


def websocket_url(deployed: Deployed, path: str) -> str:
    return deployed.url.replace("http://", "ws://", 1) + path


async def test_a_book_created_over_http_reaches_a_websocket_through_redis(
    committed_db: async_sessionmaker[AsyncSession],
    deployed: Deployed,
    deployed_client: httpx.AsyncClient,
) -> None:
    owner = await committed_user(committed_db)
    bus = deployed.app.state.event_bus
    token = create_token(
        deployed.settings,
        subject=owner.id,
        role=owner.role,
        token_type=TokenType.ACCESS,
        now=datetime.now(UTC),
    )
    offered = [Subprotocol("bearer"), Subprotocol(token)]

    async with connect(websocket_url(deployed, "/ws/events"), subprotocols=offered) as websocket:
        await eventually(lambda: len(bus.local.subscribers) == 1, "the socket subscribed")
        created = await deployed_client.post(
            "/books", json=DUNE, headers=bearer_headers(deployed.settings, owner)
        )
        async with asyncio.timeout(DEADLINE_SECONDS):  # bounds a hang only
            event = json.loads(await websocket.recv())

    assert isinstance(bus, RedisEventBus)
    assert created.status_code == 201, created.text
    assert (websocket.subprotocol, event) == (
        "bearer",
        {"type": "book.created", "book": created.json()},
    )


async def test_a_chat_message_is_echoed(deployed: Deployed) -> None:
    async with (
        connect(websocket_url(deployed, "/ws/ann")) as websocket,
        asyncio.timeout(DEADLINE_SECONDS),  # bounds a hang only
    ):
        welcome = json.loads(await websocket.recv())
        await websocket.send("hello")
        echoed = json.loads(await websocket.recv())

    assert welcome == {"type": "connected", "client_id": "ann", "message": "Welcome, ann!"}
    assert echoed == {
        "type": "message",
        "client_id": "ann",
        "content": "hello",
        "echo": "Server received: hello",
    }
