"""/ws/{client_id} against a live server: memory per client is bounded (issue 15, finding 6).

A client that sends and never reads what comes back is closed with 1008 once what waits for
it passes the outbox's byte limit, and nothing of it stays behind; one client address holds at
most `ws_max_connections_per_client` sockets, the next is closed with 1013. The server's state
(the chat room, the outbox, the open connections) is read from the test's thread.
"""

import asyncio
import gc
import json
import weakref
from collections.abc import Callable

import pytest
from fastapi import status

from app.core.config import Settings
from app.main import create_app
from app.realtime.service import MAX_MESSAGE_BYTES, ChatRoom
from tests.support.eventually import eventually
from tests.support.live_server import Serve
from tests.support.raw_websockets import Closed, RawWebSocket, raw_websocket

FRAME = "x" * MAX_MESSAGE_BYTES
# Far more than the socket buffers and an outbox hold (125 MiB): only the server stops it.
FLOOD_FRAMES = 2000


def welcome(client_id: str) -> dict[str, str]:
    return {"type": "connected", "client_id": client_id, "message": f"Welcome, {client_id}!"}


def echo(client_id: str, text: str) -> dict[str, str]:
    return {
        "type": "message",
        "client_id": client_id,
        "content": text,
        "echo": f"Server received: {text}",
    }


async def send_frames(websocket: RawWebSocket, text: str, count: int) -> None:
    for _ in range(count):
        await websocket.send_text(text)


def collected(reference: Callable[[], object]) -> bool:
    gc.collect()
    return reference() is None


class TestSlowConsumer:
    async def test_client_that_never_reads_is_closed_with_1008_and_nothing_of_it_stays(
        self, production_settings: Settings, serve: Serve
    ) -> None:
        app = create_app(production_settings)
        room: ChatRoom = app.state.chat_room
        base_url = serve(app)
        async with raw_websocket(base_url, "/ws/flood") as websocket:
            await eventually(lambda: len(room.members) == 1, "the client joined the room")
            ((_, outbox),) = room.members.values()
            flood = asyncio.create_task(send_frames(websocket, FRAME, FLOOD_FRAMES))
            try:
                await eventually(
                    lambda: not room.members,
                    "the server let go of a client that sends and never reads what comes back",
                )
            finally:
                flood.cancel()
                await asyncio.gather(flood, return_exceptions=True)
            closed = await websocket.read_until_close()

        received = [json.loads(message) for message in closed.messages]
        assert closed.code == status.WS_1008_POLICY_VIOLATION
        assert received == [welcome("flood")] + [echo("flood", FRAME)] * (len(received) - 1)
        assert outbox.peak_bytes <= production_settings.ws_outbox_max_bytes
        assert outbox.queued_bytes == 0
        released = weakref.ref(outbox)
        del outbox
        await eventually(lambda: collected(released), "the closed client's outbox was freed")
        connections = app.state.websocket_connections
        await eventually(lambda: not connections.open, "the client's connection slot was freed")


class TestConnectionsPerClient:
    @pytest.mark.parametrize(
        "path", [pytest.param("/ws/carol", id="chat"), pytest.param("/ws/events", id="events")]
    )
    async def test_one_past_the_limit_is_closed_with_1013_until_another_leaves(
        self, production_settings: Settings, serve: Serve, path: str
    ) -> None:
        """The limit counts every WebSocket route; /ws/events refuses before the token."""
        app = create_app(
            production_settings.model_copy(update={"ws_max_connections_per_client": 2})
        )
        room: ChatRoom = app.state.chat_room
        base_url = serve(app)
        async with raw_websocket(base_url, "/ws/alice") as alice:
            assert json.loads(await alice.receive_text()) == welcome("alice")
            async with raw_websocket(base_url, "/ws/bob") as bob:
                assert json.loads(await bob.receive_text()) == welcome("bob")
                async with raw_websocket(base_url, path) as refused:
                    assert await refused.read_until_close() == Closed([], 1013)
            await eventually(lambda: len(room.members) == 1, "bob's socket left the room")
            async with raw_websocket(base_url, "/ws/carol") as carol:
                assert json.loads(await carol.receive_text()) == welcome("carol")
        await eventually(lambda: not room.members, "every socket left the room")
