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
from app.realtime.conversations import close, converse, flush_unless_overflowed, stream_events
from app.realtime.frames import JsonFrame
from app.realtime.outbox import Outbox, open_outbox
from app.realtime.service import MAX_MESSAGE_BYTES, Viewer, ignore

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
    gate = asyncio.Event()
    sent: list[Message] = []

    async def send(message: Message) -> None:
        if message["type"] == "websocket.send":
            await gate.wait()
        sent.append(message)

    inbox: asyncio.Queue[Message] = asyncio.Queue()
    inbox.put_nowait({"type": "websocket.connect"})
    websocket = WebSocket(
        {"type": "websocket", "path": "/ws/events", "headers": []}, inbox.get, send
    )
    await websocket.accept()
    bus = WatchedBus()
    first, second = (DomainEvent("book.created", {"book": {"id": n}}) for n in (1, 2))
    stream = asyncio.create_task(
        stream_events(websocket, bus, Viewer(1, is_admin=False), max_bytes=4096)
    )
    with anyio.fail_after(WAIT_SECONDS):
        await bus.subscribed.wait()

    inbox.put_nowait({"type": "websocket.receive", "text": "ignored"})
    await bus.publish(first)
    await bus.publish(second)
    inbox.put_nowait({"type": "websocket.receive", "bytes": b"x"})
    await asyncio.sleep(0.05)  # the stream now waits for `first` to leave before its close frame
    gate.set()

    with anyio.fail_after(WAIT_SECONDS):
        await stream
    assert sent == [
        {"type": "websocket.accept", "subprotocol": None, "headers": []},
        {"type": "websocket.send", "text": '{"type":"book.created","book":{"id":1}}'},
        {"type": "websocket.send", "text": '{"type":"book.created","book":{"id":2}}'},
        {"type": "websocket.close", "code": 1003, "reason": ""},
    ]
    assert bus.subscribers == []
