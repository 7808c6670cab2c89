"""WebSockets (API.md, "WebSockets"): the echo chat and the domain event stream.

`/ws/events` is declared first so it is not taken for a client id. An id with a `/` matches
the second chat route and is refused with 1008 like any other bad id; an empty id (`/ws/`)
matches no route at all, so the handshake itself is refused (uvicorn answers 403). A client
past its number of open sockets is closed with 1013 on either route (issue 15, finding 6).
"""

from fastapi import APIRouter, WebSocket, status

from app.core.config import SettingsDep
from app.core.db import SessionDep
from app.core.events import EventBusDep
from app.realtime import conversations, service
from app.realtime.dependencies import AdmittedDep, ChatRoomDep, TokenOfferDep

router = APIRouter(tags=["realtime"])


@router.websocket("/ws/events")
async def events(
    websocket: WebSocket,
    admitted: AdmittedDep,
    session: SessionDep,
    settings: SettingsDep,
    bus: EventBusDep,
    offer: TokenOfferDep,
) -> None:
    if not admitted:
        await conversations.refuse(websocket, status.WS_1013_TRY_AGAIN_LATER)
        return
    # Authenticated before accepting, so the session is no longer in use once the client
    # is connected (the tests share one session between the app and themselves).
    viewer = await service.authenticate(session, settings, offer.token)
    await websocket.accept(subprotocol=offer.subprotocol)
    if viewer is None:
        await websocket.close(status.WS_1008_POLICY_VIOLATION)
        return
    await conversations.stream_events(
        websocket, bus, viewer, max_bytes=settings.ws_outbox_max_bytes
    )


@router.websocket("/ws/{client_id}")
async def chat(
    websocket: WebSocket,
    admitted: AdmittedDep,
    room: ChatRoomDep,
    settings: SettingsDep,
    client_id: str,
) -> None:
    if not admitted:
        await conversations.refuse(websocket, status.WS_1013_TRY_AGAIN_LATER)
        return
    await conversations.chat(websocket, room, client_id, max_bytes=settings.ws_outbox_max_bytes)


@router.websocket("/ws/{head}/{tail:path}")
async def chat_with_slash_in_id(websocket: WebSocket) -> None:
    await conversations.refuse(websocket, status.WS_1008_POLICY_VIOLATION)
