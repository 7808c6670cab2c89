"""/ws/{client_id} in the test's loop (httpx-ws): welcome, echo, departures, refusals.

Ids with spaces or non-ASCII letters, and the empty id, are in test_chat_sync_client.py: the
httpx-ws transport hands the decoded path to wsproto, which rejects such request targets.
"""

import pytest

from app.realtime.service import MAX_MESSAGE_BYTES
from tests.support.websockets import WsConnect, close_code, next_json


def welcome(client_id: str) -> dict[str, str]:
    return {"type": "connected", "client_id": client_id, "message": f"Welcome, {client_id}!"}


def echo(client_id: str, text: str) -> dict[str, str]:
    return {
        "type": "message",
        "client_id": client_id,
        "content": text,
        "echo": f"Server received: {text}",
    }


class TestWelcomeAndEcho:
    async def test_new_client_is_welcomed_by_its_id(self, ws_connect: WsConnect) -> None:
        async with ws_connect("/ws/alice") as ws:
            assert await next_json(ws) == welcome("alice")

    async def test_each_text_frame_comes_back_in_order(self, ws_connect: WsConnect) -> None:
        texts = ["hello", "", "ünïcödé ✓", '{"not": "parsed"}']
        async with ws_connect("/ws/alice") as ws:
            await next_json(ws)
            for text in texts:
                await ws.send_text(text)
            received = [await next_json(ws) for _ in texts]
        assert received == [echo("alice", text) for text in texts]

    async def test_frame_of_exactly_the_limit_is_echoed(self, ws_connect: WsConnect) -> None:
        text = "x" * MAX_MESSAGE_BYTES
        async with ws_connect("/ws/alice") as ws:
            await next_json(ws)
            await ws.send_text(text)
            assert await next_json(ws) == echo("alice", text)

    @pytest.mark.parametrize(
        "client_id",
        [
            pytest.param("a", id="one_char"),
            pytest.param("A" * 64, id="64_chars"),
            pytest.param("Book-Worm_42", id="letters_digits_dash_underscore"),
        ],
    )
    async def test_valid_client_ids_are_welcomed(
        self, ws_connect: WsConnect, client_id: str
    ) -> None:
        async with ws_connect(f"/ws/{client_id}") as ws:
            assert await next_json(ws) == welcome(client_id)


class TestDepartures:
    async def test_others_are_told_when_a_client_leaves(self, ws_connect: WsConnect) -> None:
        async with ws_connect("/ws/alice") as alice:
            await next_json(alice)
            async with ws_connect("/ws/bob") as bob:
                assert await next_json(bob) == welcome("bob")
            assert await next_json(alice) == {"type": "disconnected", "client_id": "bob"}

    async def test_refused_client_is_not_announced_as_leaving(self, ws_connect: WsConnect) -> None:
        async with ws_connect("/ws/alice") as alice:
            await next_json(alice)
            async with ws_connect("/ws/not.valid") as refused:
                assert await close_code(refused) == 1008
            async with ws_connect("/ws/bob"):
                pass
            # The next thing alice hears is bob leaving: nothing about the refused client.
            assert await next_json(alice) == {"type": "disconnected", "client_id": "bob"}

    async def test_echo_goes_only_to_the_sender(self, ws_connect: WsConnect) -> None:
        async with ws_connect("/ws/alice") as alice, ws_connect("/ws/bob") as bob:
            await next_json(alice)
            await next_json(bob)
            await bob.send_text("hi")
            assert await next_json(bob) == echo("bob", "hi")
            await alice.send_text("me")
            assert await next_json(alice) == echo("alice", "me")


class TestRefusals:
    @pytest.mark.parametrize(
        "path",
        [
            pytest.param("/ws/" + "a" * 65, id="65_chars"),
            pytest.param("/ws/a/b", id="slash"),
            pytest.param("/ws/a.b", id="dot"),
            pytest.param("/ws/a+b", id="plus"),
            pytest.param("/ws/a@b", id="at_sign"),
            pytest.param("/ws/a:b", id="colon"),
        ],
    )
    async def test_bad_client_id_is_accepted_then_closed_with_1008(
        self, ws_connect: WsConnect, path: str
    ) -> None:
        async with ws_connect(path) as ws:
            assert await close_code(ws) == 1008

    async def test_frame_over_64_kib_closes_with_1009(self, ws_connect: WsConnect) -> None:
        async with ws_connect("/ws/alice") as ws:
            await ws.send_text("x" * (MAX_MESSAGE_BYTES + 1))
            assert await next_json(ws) == welcome("alice")  # queued before: still delivered
            assert await close_code(ws) == 1009

    async def test_limit_counts_utf8_bytes_not_characters(self, ws_connect: WsConnect) -> None:
        async with ws_connect("/ws/alice") as ws:
            await next_json(ws)
            await ws.send_text("é" * (MAX_MESSAGE_BYTES // 2 + 1))
            assert await close_code(ws) == 1009

    async def test_binary_frame_closes_with_1003(self, ws_connect: WsConnect) -> None:
        async with ws_connect("/ws/alice") as ws:
            await next_json(ws)
            await ws.send_bytes(b"\x00\x01")
            assert await close_code(ws) == 1003
