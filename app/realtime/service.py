"""The rules of the two WebSocket conversations, free of the socket itself (issue 16, layers):
which client ids are valid, the chat room's members, who sees which event, and who a token
names. app/realtime/conversations.py drives the WebSocket with them.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.errors import NotAuthenticated
from app.core.events import DomainEvent
from app.realtime.frames import JsonFrame, Message
from app.realtime.outbox import Outbox
from app.users.exceptions import AccountDeactivated
from app.users.models import Role
from app.users.service import user_for_access_token

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


def welcome(client_id: str) -> Message:
    return {"type": "connected", "client_id": client_id, "message": f"Welcome, {client_id}!"}


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
    (the same check as HTTP's bearer dependency: users.service.user_for_access_token)."""
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
