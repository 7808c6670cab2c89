"""The two WebSocket conversations: the echo chat (`/ws/{client_id}`) and the event stream.

Every message to a client goes through its `Outbox` (see outbox.py for the queue policy): a
client that does not read what it is sent is closed with 1008 (issue 15, finding 6). Close codes
are sent after the handshake was accepted (API.md, WebSockets).
"""

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import anyio
from fastapi import WebSocket, WebSocketDisconnect, status
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.service import user_for_access_token
from app.core.config import Settings
from app.core.errors import NotAuthenticated
from app.core.events import DomainEvent, EventBus
from app.realtime.frames import Echo, JsonFrame, Message
from app.realtime.outbox import Outbox, open_outbox
from app.users.exceptions import AccountDeactivated
from app.users.models import Role

CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
# The app's own limit, whatever the server's (uvicorn's `ws_max_size` defaults to 16 MiB and
# would close with 1009 itself only above that; the test clients have no limit at all).
MAX_MESSAGE_BYTES = 64 * 1024


def is_valid_client_id(client_id: str) -> bool:
    return CLIENT_ID.fullmatch(client_id) is not None


@dataclass
class ChatRoom:
    """The outboxes of everyone on /ws/{client_id} in this process."""

    members: dict[int, tuple[str, Outbox]] = field(default_factory=dict)

    def join(self, client_id: str, outbox: Outbox) -> Callable[[], None]:
        """Adds a member; returns the function that removes it and tells the others."""
        key = id(outbox)
        self.members[key] = (client_id, outbox)

        def leave() -> None:
            del self.members[key]
            farewell = JsonFrame.of({"type": "disconnected", "client_id": client_id})
            for _, other in self.members.values():
                other.push(farewell)

        return leave


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


def welcome(client_id: str) -> Message:
    return {"type": "connected", "client_id": client_id, "message": f"Welcome, {client_id}!"}


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


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is connected to /ws/events, as far as event visibility goes."""

    user_id: int
    is_admin: bool

    def sees(self, event: DomainEvent) -> bool:
        return event.recipient_id in (None, self.user_id) or self.is_admin


async def authenticate(
    session: AsyncSession, settings: Settings, token: str | None
) -> Viewer | None:
    """The viewer for an access token of an existing, active user; None for anything else
    (the same check as HTTP's bearer dependency: auth.service.user_for_access_token)."""
    try:
        user = await user_for_access_token(session, settings, token)
    except (NotAuthenticated, AccountDeactivated):
        return None
    finally:
        # Ends the read transaction: a WebSocket lives long and must not hold a pooled connection.
        await session.commit()
    return Viewer(user.id, user.role == Role.ADMIN)


def ignore(text: str) -> None:
    """/ws/events answers nothing: the stream only goes one way."""


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
