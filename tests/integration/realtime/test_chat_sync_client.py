"""/ws/{client_id} through Starlette's TestClient (the app on its own loop, in a thread)."""

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from tests.integration.realtime.test_chat import echo, welcome


def test_new_client_is_welcomed_and_its_frames_echoed(sync_client: TestClient) -> None:
    with sync_client.websocket_connect("/ws/alice") as ws:
        assert ws.receive_json() == welcome("alice")
        ws.send_text("one")
        ws.send_text("two")
        assert [ws.receive_json(), ws.receive_json()] == [
            echo("alice", "one"),
            echo("alice", "two"),
        ]


def test_others_are_told_when_a_client_leaves(sync_client: TestClient) -> None:
    with sync_client.websocket_connect("/ws/alice") as alice:
        assert alice.receive_json() == welcome("alice")
        with sync_client.websocket_connect("/ws/bob") as bob:
            assert bob.receive_json() == welcome("bob")
        assert alice.receive_json() == {"type": "disconnected", "client_id": "bob"}


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/ws/two words", id="space"),
        pytest.param("/ws/café", id="non_ascii_letter"),
        pytest.param("/ws/" + "a" * 65, id="65_chars"),
        pytest.param("/ws/a/b", id="slash"),
    ],
)
def test_bad_client_id_is_accepted_then_closed_with_1008(
    sync_client: TestClient, path: str
) -> None:
    with sync_client.websocket_connect(path) as ws, pytest.raises(WebSocketDisconnect) as closed:
        ws.receive_json()
    assert closed.value.code == 1008


def test_empty_client_id_matches_no_route_and_the_handshake_is_refused(
    sync_client: TestClient,
) -> None:
    # No route matches `/ws/`: Starlette closes before accepting, which a real server sends
    # as an HTTP 403 (no WebSocket close code can reach a client that was never accepted).
    with pytest.raises(WebSocketDisconnect) as refused, sync_client.websocket_connect("/ws/"):
        pass
    assert refused.value.code == 1000
