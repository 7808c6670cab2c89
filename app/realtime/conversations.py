"""The two WebSocket conversations: the echo chat (`/ws/{client_id}`) and the event stream.

Every message to a client goes through its `Outbox` (see outbox.py for the queue policy): a
client that does not read what it is sent is closed with 1008 (issue 15, finding 6). Close codes
are sent after the handshake was accepted (API.md, WebSockets). The rules they follow are in
app/realtime/service.py; this module is the socket's side (issue 16, layers).
"""

import contextlib
from collections.abc import Callable

import anyio
from fastapi import WebSocket, WebSocketDisconnect, status

from app.core.events import DomainEvent, EventBus
from app.realtime.frames import Echo, JsonFrame
from app.realtime.outbox import Outbox, open_outbox
from app.realtime.service import (
    MAX_MESSAGE_BYTES,
    ChatRoom,
    Viewer,
    ignore,
    is_valid_client_id,
    welcome,
)


async def receive_text(websocket: WebSocket) -> str | int | None:
    """The next text frame; None when the client left; a close code for a frame refused."""
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        return None
    text: str | None = message.get("text")
    data: bytes = text.encode() if text is not None else message.get("bytes") or b""
    if len(data) > MAX_MESSAGE_BYTES:
        return status.WS_1009_MESSAGE_TOO_BIG
    if text is None:
        return status.WS_1003_UNSUPPORTED_DATA
    return text


async def converse(
    websocket: WebSocket, outbox: Outbox, on_text: Callable[[str], None]
) -> int | None:
    """Hands each text frame to `on_text` until the client leaves (None), sends a frame that is
    refused (its close code), or has not read what it was sent (1008: its outbox overflowed).

    anyio's task group, not bare asyncio tasks: a cancel scope around the app (Starlette's
    TestClient has one) must be able to cancel both sides and know its own cancellation."""
    code: int | None = status.WS_1008_POLICY_VIOLATION

    async def read(done: anyio.CancelScope) -> None:
        nonlocal code
        while isinstance(text := await receive_text(websocket), str):
            on_text(text)
        code = text
        done.cancel()

    async with anyio.create_task_group() as group:
        group.start_soon(read, group.cancel_scope)
        await outbox.overflowed.wait()
        group.cancel_scope.cancel()
    return code


async def flush_unless_overflowed(outbox: Outbox) -> None:
    """Before a close frame: a welcome queued before a refused frame still arrives."""
    if not outbox.overflowed.is_set():
        await outbox.flush()


async def close(websocket: WebSocket, code: int) -> None:
    """Sends the close frame; a client that left meanwhile needs none.

    A slow client's close frame waits behind what is already on the wire, for as long as the
    client neither reads nor leaves: its connection slot stays taken meanwhile, while its
    outbox and everything that was queued in it are gone."""
    with contextlib.suppress(WebSocketDisconnect):
        await websocket.close(code)


async def refuse(websocket: WebSocket, code: int) -> None:
    """Accepts, then closes with `code`: a browser sees the code, not a bare 403."""
    await websocket.accept()
    await websocket.close(code)


async def chat(websocket: WebSocket, room: ChatRoom, client_id: str, *, max_bytes: int) -> None:
    """Welcome, echo every text frame, tell the others when this client leaves."""
    if not is_valid_client_id(client_id):
        await refuse(websocket, status.WS_1008_POLICY_VIOLATION)
        return
    await websocket.accept()
    async with open_outbox(websocket.send_text, max_bytes=max_bytes) as outbox:
        leave = room.join(client_id, outbox)
        try:
            outbox.push(JsonFrame.of(welcome(client_id)))
            code = await converse(
                websocket, outbox, lambda text: outbox.push(Echo(client_id, text))
            )
        finally:
            leave()
        if code is not None:
            await flush_unless_overflowed(outbox)
    if code is not None:
        await close(websocket, code)


async def stream_events(
    websocket: WebSocket, bus: EventBus, viewer: Viewer, *, max_bytes: int
) -> None:
    """Pushes the events the viewer may see until the client leaves (or sends too much, or
    reads too little)."""
    async with open_outbox(websocket.send_text, max_bytes=max_bytes) as outbox:

        async def deliver(event: DomainEvent) -> None:
            if viewer.sees(event):
                outbox.push(JsonFrame.of(event.message()))

        unsubscribe = bus.subscribe(deliver)
        try:
            code = await converse(websocket, outbox, ignore)
        finally:
            unsubscribe()
        if code is not None:
            await flush_unless_overflowed(outbox)
    if code is not None:
        await close(websocket, code)
