"""The two WebSocket conversations: the echo chat (`/ws/{client_id}`) and the event stream.

Every message to a client goes through its `Outbox` (see outbox.py for the queue policy).
Close codes are sent after the handshake was accepted (API.md, WebSockets).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import WebSocket, status
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.events import DomainEvent, EventBus
from app.core.security import InvalidToken, TokenType, decode_token
from app.realtime.outbox import Outbox, open_outbox
from app.users import repository
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
            for _, other in self.members.values():
                other.push({"type": "disconnected", "client_id": client_id})

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


async def chat(websocket: WebSocket, room: ChatRoom, client_id: str) -> None:
    """Welcome, echo every text frame, tell the others when this client leaves."""
    await websocket.accept()
    if not is_valid_client_id(client_id):
        await websocket.close(status.WS_1008_POLICY_VIOLATION)
        return
    async with open_outbox(websocket.send_json) as outbox:
        leave = room.join(client_id, outbox)
        try:
            outbox.push(
                {"type": "connected", "client_id": client_id, "message": f"Welcome, {client_id}!"}
            )
            while isinstance(text := await receive_text(websocket), str):
                outbox.push(
                    {
                        "type": "message",
                        "client_id": client_id,
                        "content": text,
                        "echo": f"Server received: {text}",
                    }
                )
        finally:
            leave()
        if text is not None:
            await outbox.flush()
    if text is not None:
        await websocket.close(text)


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
    """The viewer for an access token of an existing, active user; None for anything else."""
    if token is None:
        return None
    try:
        claims = decode_token(settings, token, expected=TokenType.ACCESS)
    except InvalidToken:
        return None
    user = await repository.get(session, claims.subject)
    viewer = (
        None if user is None or not user.is_active else Viewer(user.id, user.role == Role.ADMIN)
    )
    # Ends the read transaction: a WebSocket lives long and must not hold a pooled connection.
    await session.commit()
    return viewer


async def stream_events(websocket: WebSocket, bus: EventBus, viewer: Viewer) -> None:
    """Pushes the events the viewer may see until the client leaves (or sends too much)."""
    async with open_outbox(websocket.send_json) as outbox:

        async def deliver(event: DomainEvent) -> None:
            if viewer.sees(event):
                outbox.push(event.message())

        unsubscribe = bus.subscribe(deliver)
        try:
            while isinstance(code := await receive_text(websocket), str):
                pass  # nothing to answer: this stream only goes one way
        finally:
            unsubscribe()
    if code is not None:
        await websocket.close(code)
