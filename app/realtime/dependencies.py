"""What a WebSocket route needs: the process's chat room, a connection slot for the client, and
the token a client offered."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, WebSocket
from starlette.requests import HTTPConnection

from app.realtime.connections import ClientConnections
from app.realtime.service import ChatRoom

BEARER_SUBPROTOCOL = "bearer"


def get_chat_room(connection: HTTPConnection) -> ChatRoom:
    room: ChatRoom = connection.app.state.chat_room
    return room


ChatRoomDep = Annotated[ChatRoom, Depends(get_chat_room)]


def get_client_connections(connection: HTTPConnection) -> ClientConnections:
    connections: ClientConnections = connection.app.state.websocket_connections
    return connections


async def connection_slot(
    websocket: WebSocket, connections: Annotated[ClientConnections, Depends(get_client_connections)]
) -> AsyncIterator[bool]:
    """Whether the client had a free slot; a slot taken is held until the route returns."""
    with connections.slot(websocket) as admitted:
        yield admitted


AdmittedDep = Annotated[bool, Depends(connection_slot)]


@dataclass(frozen=True, slots=True)
class TokenOffer:
    """The access token a client sent, and the subprotocol to select when accepting."""

    token: str | None
    subprotocol: str | None


def token_offer(websocket: WebSocket) -> TokenOffer:
    """`?token=...`, else `Sec-WebSocket-Protocol: bearer, <token>`; an empty `?token=` counts
    as none, so it cannot hide a token offered as a subprotocol.

    Browsers cannot set headers on a WebSocket; the subprotocol keeps the token out of URLs
    (and logs). A client that offered `bearer` gets it selected even when the token is bad:
    a browser fails a handshake that selects none of its offers, and it must see our 1008.
    """
    offered = [protocol.strip() for protocol in websocket.scope.get("subprotocols", [])]
    subprotocol = BEARER_SUBPROTOCOL if BEARER_SUBPROTOCOL in offered else None
    token = websocket.query_params.get("token") or None
    if token is None and len(offered) == 2 and offered[0] == BEARER_SUBPROTOCOL:
        token = offered[1]
    return TokenOffer(token or None, subprotocol)


TokenOfferDep = Annotated[TokenOffer, Depends(token_offer)]
