"""How a WebSocket conversation ends: the client leaves, sends a frame that is refused, or does
not read what it is sent (its outbox overflows while it sends nothing, as on /ws/events); then
what is still queued is flushed unless the outbox overflowed, and the close frame is sent."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

import anyio
import pytest
from fastapi import WebSocket, status
from starlette.types import Message

from app.core.events import DomainEvent, InProcessEventBus, Subscriber
from app.realtime.conversations import (
    chat,
    close,
    converse,
    flush_unless_overflowed,
    stream_events,
)
from app.realtime.frames import Echo, JsonFrame
from app.realtime.outbox import Outbox, open_outbox
from app.realtime.service import MAX_MESSAGE_BYTES, ChatRoom, Viewer, ignore, welcome

WAIT_SECONDS = 5.0


async def accepted(inbox: "asyncio.Queue[Message]") -> WebSocket:
    """A WebSocket whose client says what is put in `inbox`, already accepted."""

    async def send(message: Message) -> None:
        pass

    inbox.put_nowait({"type": "websocket.connect"})
    websocket = WebSocket({"type": "websocket", "path": "/ws/a", "headers": []}, inbox.get, send)
    await websocket.accept()
    return websocket


async def never_sent(text: str) -> None:
    await asyncio.Event().wait()


@pytest.mark.parametrize(
    ("said", "code"),
    [
        pytest.param({"type": "websocket.disconnect", "code": 1000}, None, id="client_left"),
        pytest.param(
            {"type": "websocket.receive", "text": "x" * (MAX_MESSAGE_BYTES + 1)},
            status.WS_1009_MESSAGE_TOO_BIG,
            id="frame_too_big",
        ),
        pytest.param(
            {"type": "websocket.receive", "bytes": b"x"},
            status.WS_1003_UNSUPPORTED_DATA,
            id="binary_frame",
        ),
        pytest.param(
            {"type": "websocket.receive", "bytes": b"x" * (MAX_MESSAGE_BYTES + 1)},
            status.WS_1009_MESSAGE_TOO_BIG,
            id="binary_frame_too_big",
        ),
        pytest.param(
            {"type": "websocket.receive", "bytes": b"x" * MAX_MESSAGE_BYTES},
            status.WS_1003_UNSUPPORTED_DATA,
            id="binary_frame_at_the_limit",
        ),
    ],
)
async def test_conversation_ends_with_what_the_client_did(said: Message, code: int | None) -> None:
    inbox: asyncio.Queue[Message] = asyncio.Queue()
    websocket = await accepted(inbox)
    inbox.put_nowait(said)
    with anyio.fail_after(WAIT_SECONDS):
        assert await converse(websocket, Outbox(never_sent, max_bytes=4096), ignore) == code


async def test_silent_client_that_reads_nothing_ends_with_1008_when_its_outbox_overflows() -> None:
    websocket = await accepted(asyncio.Queue())
    frame = JsonFrame.of({"type": "book.created"})
    outbox = Outbox(never_sent, max_bytes=frame.size)
    conversation = asyncio.create_task(converse(websocket, outbox, ignore))
    outbox.push(frame)
    outbox.push(frame)
    with anyio.fail_after(WAIT_SECONDS):
        assert await conversation == status.WS_1008_POLICY_VIOLATION


class TestBeforeTheCloseFrame:
    async def test_what_is_queued_is_sent_before_the_close_frame(self) -> None:
        sent: list[str] = []

        async def send_text(text: str) -> None:
            sent.append(text)

        frame = JsonFrame.of({"type": "welcome"})
        async with open_outbox(send_text, max_bytes=4096) as outbox:
            outbox.push(frame)
            with anyio.fail_after(WAIT_SECONDS):
                await flush_unless_overflowed(outbox)
            assert sent == [frame.text()]

    async def test_an_overflowed_outbox_is_not_waited_for(self) -> None:
        sending = asyncio.Event()

        async def stuck(text: str) -> None:
            sending.set()
            await asyncio.Event().wait()

        frame = JsonFrame.of({"type": "book.created"})
        async with open_outbox(stuck, max_bytes=frame.size) as outbox:
            outbox.push(frame)
            with anyio.fail_after(WAIT_SECONDS):
                await sending.wait()  # the drain task holds the first frame, never sent
            outbox.push(frame)
            outbox.push(frame)
            assert outbox.overflowed.is_set()
            with anyio.fail_after(0.5):  # flushing would wait FLUSH_TIMEOUT_SECONDS (1 s)
                await flush_unless_overflowed(outbox)


async def test_close_to_a_client_that_left_meanwhile_returns_quietly() -> None:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        if message["type"] == "websocket.close":
            raise OSError("the client is gone")  # what uvicorn's ClientDisconnected is
        sent.append(message)

    inbox: asyncio.Queue[Message] = asyncio.Queue()
    inbox.put_nowait({"type": "websocket.connect"})
    websocket = WebSocket({"type": "websocket", "path": "/ws/a", "headers": []}, inbox.get, send)
    await websocket.accept()

    await close(websocket, status.WS_1009_MESSAGE_TOO_BIG)

    assert sent == [{"type": "websocket.accept", "subprotocol": None, "headers": []}]


ACCEPTED: Message = {"type": "websocket.accept", "subprotocol": None, "headers": []}


class GatedClient:
    """The ASGI side of an accepted WebSocket: records what the app sends; text frames wait at
    `gate`, so the first one stays on the wire and the rest stay queued in the outbox."""

    def __init__(self, path: str) -> None:
        self.gate = asyncio.Event()
        self.sent: list[Message] = []
        self.inbox: asyncio.Queue[Message] = asyncio.Queue()
        self.inbox.put_nowait({"type": "websocket.connect"})
        self.websocket = WebSocket(
            {"type": "websocket", "path": path, "headers": []}, self.inbox.get, self.send
        )

    async def send(self, message: Message) -> None:
        if message["type"] == "websocket.send":
            await self.gate.wait()
        self.sent.append(message)

    def says(self, message: Message) -> None:
        self.inbox.put_nowait({"type": "websocket.receive", **message})

    async def open_gate_while_the_app_flushes(self) -> None:
        await asyncio.sleep(0.05)  # the app now waits for the first frame to leave
        self.gate.set()


@dataclass
class WatchedBus(InProcessEventBus):
    subscribed: asyncio.Event = field(default_factory=asyncio.Event)

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        self.subscribed.set()
        return super().subscribe(subscriber)


async def test_event_stream_ignores_text_and_flushes_what_is_queued_before_closing_on_binary() -> (
    None
):
    """/ws/events: a text frame is ignored; a binary one ends the stream with 1003, after the
    events already queued for the client (one held up on the wire, one behind it)."""
    client = GatedClient("/ws/events")
    await client.websocket.accept()
    bus = WatchedBus()
    first, second = (DomainEvent("book.created", {"book": {"id": n}}) for n in (1, 2))
    stream = asyncio.create_task(
        stream_events(client.websocket, bus, Viewer(1, is_admin=False), max_bytes=4096)
    )
    with anyio.fail_after(WAIT_SECONDS):
        await bus.subscribed.wait()

    client.says({"text": "ignored"})
    await bus.publish(first)
    await bus.publish(second)
    client.says({"bytes": b"x"})
    await client.open_gate_while_the_app_flushes()

    with anyio.fail_after(WAIT_SECONDS):
        await stream
    assert client.sent == [
        ACCEPTED,
        {"type": "websocket.send", "text": '{"type":"book.created","book":{"id":1}}'},
        {"type": "websocket.send", "text": '{"type":"book.created","book":{"id":2}}'},
        {"type": "websocket.close", "code": 1003, "reason": ""},
    ]
    assert bus.subscribers == []


async def test_chat_flushes_the_welcome_and_echo_before_closing_on_binary() -> None:
    client = GatedClient("/ws/alice")
    room = ChatRoom()
    client.says({"text": "hi"})
    client.says({"bytes": b"x"})
    conversation = asyncio.create_task(chat(client.websocket, room, "alice", max_bytes=4096))

    await client.open_gate_while_the_app_flushes()

    with anyio.fail_after(WAIT_SECONDS):
        await conversation
    assert client.sent == [
        ACCEPTED,
        {"type": "websocket.send", "text": JsonFrame.of(welcome("alice")).text()},
        {"type": "websocket.send", "text": Echo("alice", "hi").text()},
        {"type": "websocket.close", "code": 1003, "reason": ""},
    ]
    assert room.members == {}
