"""WebSocket slots per client address: counted per address, given back, proxies believed only
when trusted."""

import pytest
from starlette.requests import HTTPConnection

from app.core.client_address import TrustedProxies
from app.realtime.connections import ClientConnections

PROXY = "10.0.0.1"


def connection(peer: str, forwarded_for: str | None = None) -> HTTPConnection:
    headers = [] if forwarded_for is None else [(b"x-forwarded-for", forwarded_for.encode())]
    return HTTPConnection(
        {"type": "websocket", "client": (peer, 40000), "headers": headers, "path": "/ws/a"}
    )


def test_each_address_has_its_own_slots_and_gets_them_back() -> None:
    connections = ClientConnections(2, TrustedProxies())
    with connections.slot(connection("192.0.2.1")) as first:
        with (
            connections.slot(connection("192.0.2.1")) as second,
            connections.slot(connection("192.0.2.1")) as third,
            connections.slot(connection("192.0.2.2")) as other,
        ):
            assert (first, second, third, other) == (True, True, False, True)
            assert connections.open == {"192.0.2.1": 2, "192.0.2.2": 1}
        with connections.slot(connection("192.0.2.1")) as again:
            assert again
    assert connections.open == {}


def test_a_slot_is_given_back_when_the_connection_fails() -> None:
    connections = ClientConnections(1, TrustedProxies())
    with pytest.raises(RuntimeError, match="boom"), connections.slot(connection("192.0.2.1")):
        raise RuntimeError("boom")
    assert connections.open == {}


@pytest.mark.parametrize(
    ("trusted", "expected"),
    [
        pytest.param([PROXY], {"192.0.2.7": 1, "192.0.2.8": 1}, id="trusted_proxy"),
        pytest.param([], {PROXY: 1}, id="untrusted_peer"),
    ],
)
def test_clients_behind_a_trusted_proxy_are_told_apart(
    trusted: list[str], expected: dict[str, int]
) -> None:
    connections = ClientConnections(1, TrustedProxies.parse(trusted))
    with (
        connections.slot(connection(PROXY, "192.0.2.7")),
        connections.slot(connection(PROXY, "192.0.2.8")),
    ):
        assert connections.open == expected
