"""`token_offer`: where a /ws/events client's access token is read from (API.md, WebSockets)."""

import pytest
from fastapi import WebSocket
from starlette.types import Message, Scope

from app.realtime.dependencies import TokenOffer, token_offer


async def nothing_said() -> Message:
    raise AssertionError("token_offer reads the handshake only")


async def nothing_sent(message: Message) -> None:
    raise AssertionError("token_offer reads the handshake only")


def handshake(query: bytes, **scope: object) -> WebSocket:
    base: Scope = {"type": "websocket", "path": "/ws/events", "headers": [], "query_string": query}
    return WebSocket({**base, **scope}, nothing_said, nothing_sent)


@pytest.mark.parametrize(
    ("query", "subprotocols", "offer"),
    [
        pytest.param(b"token=abc", ["bearer", " xyz "], TokenOffer("abc", "bearer"), id="both"),
        pytest.param(b"token=", ["bearer", "xyz"], TokenOffer("xyz", "bearer"), id="empty_query"),
        pytest.param(b"", ["xyz", "bearer"], TokenOffer(None, "bearer"), id="bearer_second"),
        pytest.param(b"", ["chat"], TokenOffer(None, None), id="other_subprotocol"),
    ],
)
def test_query_token_first_then_the_one_after_bearer(
    query: bytes, subprotocols: list[str], offer: TokenOffer
) -> None:
    assert token_offer(handshake(query, subprotocols=subprotocols)) == offer


def test_a_scope_without_subprotocols_offers_none() -> None:
    """The ASGI spec makes `subprotocols` optional (default empty): a server may leave it out."""
    assert token_offer(handshake(b"token=abc")) == TokenOffer("abc", None)
