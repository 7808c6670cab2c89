"""The per-connection outbox: order, the byte limit and overflow, flushing, a failing client."""

import asyncio
import json

import anyio
import pytest

from app.realtime.frames import Echo, JsonFrame
from app.realtime.outbox import Outbox, open_outbox

WAIT_SECONDS = 5.0
MAX_BYTES = 4096


class Recorder:
    """A client's `send_text`: records frames; blocked until `opened` is set."""

    def __init__(self, *, open_now: bool = True) -> None:
        self.sent: list[object] = []
        self.entered = asyncio.Event()
        self.opened = asyncio.Event()
        if open_now:
            self.opened.set()

    async def __call__(self, text: str) -> None:
        self.entered.set()
        await self.opened.wait()
        self.sent.append(json.loads(text))


def numbered(n: int) -> JsonFrame:
    return JsonFrame.of({"n": n})


async def test_frames_are_sent_in_the_order_pushed() -> None:
    client = Recorder()
    async with open_outbox(client, max_bytes=MAX_BYTES) as outbox:
        for n in range(3):
            outbox.push(numbered(n))
        with anyio.fail_after(WAIT_SECONDS):
            assert await outbox.flush()
    assert (client.sent, outbox.queued_bytes) == ([{"n": 0}, {"n": 1}, {"n": 2}], 0)


async def test_new_outbox_holds_nothing_and_has_held_nothing() -> None:
    outbox = Outbox(Recorder(), max_bytes=MAX_BYTES)
    assert (outbox.queued_bytes, outbox.peak_bytes, outbox.overflowed.is_set()) == (0, 0, False)


async def test_queued_frames_are_counted_in_bytes_up_to_the_limit() -> None:
    frame = numbered(0)
    outbox = Outbox(Recorder(), max_bytes=3 * frame.size)
    for _ in range(3):
        outbox.push(frame)
    assert (outbox.queued_bytes, outbox.peak_bytes) == (3 * frame.size, 3 * frame.size)
    assert not outbox.overflowed.is_set()


async def test_push_past_the_limit_empties_the_queue_and_ignores_what_follows() -> None:
    client = Recorder()
    frame = numbered(0)
    outbox = Outbox(client, max_bytes=2 * frame.size)
    for n in range(4):
        outbox.push(numbered(n))
    drain = asyncio.create_task(outbox.drain())
    try:
        with anyio.fail_after(WAIT_SECONDS):
            assert await outbox.flush()
    finally:
        drain.cancel()
    assert outbox.overflowed.is_set()
    assert (client.sent, outbox.queued_bytes, outbox.peak_bytes) == ([], 0, 2 * frame.size)


async def test_stuck_client_never_blocks_the_pusher_and_overflows_instead_of_buffering() -> None:
    client = Recorder(open_now=False)
    async with open_outbox(client, max_bytes=MAX_BYTES) as outbox:
        outbox.push(numbered(0))
        with anyio.fail_after(WAIT_SECONDS):
            await client.entered.wait()  # the drain task is now stuck sending {"n": 0}
        for n in range(1, 1000):
            outbox.push(numbered(n))  # never waits, although nothing can be sent
        assert outbox.overflowed.is_set()
        assert outbox.queued_bytes == 0
        assert outbox.peak_bytes <= MAX_BYTES


async def test_flush_gives_up_after_its_seconds_when_the_client_reads_nothing() -> None:
    client = Recorder(open_now=False)
    async with open_outbox(client, max_bytes=MAX_BYTES) as outbox:
        outbox.push(numbered(0))
        with anyio.fail_after(WAIT_SECONDS):
            assert await outbox.flush(0.01) is False
        assert client.sent == []


async def test_drain_stops_quietly_when_the_client_is_gone() -> None:
    async def gone(text: str) -> None:
        raise RuntimeError("Cannot call send once a close message has been sent")

    outbox = Outbox(gone, max_bytes=MAX_BYTES)
    outbox.push(numbered(0))
    with anyio.fail_after(WAIT_SECONDS):
        await outbox.drain()  # returns instead of raising or looping
    assert outbox.queued_bytes == 0


class TestFrames:
    def test_json_frame_is_what_starlette_send_json_sends(self) -> None:
        assert JsonFrame.of({"a": "ü", "b": [1, 2]}).text() == '{"a":"ü","b":[1,2]}'

    @pytest.mark.parametrize(
        "text",
        [
            pytest.param("x" * 65536, id="ascii"),
            pytest.param("é" * 32768, id="latin_1"),
            pytest.param("✓" * 21845, id="bmp"),
        ],
    )
    def test_echo_holds_its_text_once_and_sends_it_twice(self, text: str) -> None:
        echo = Echo("alice", text)
        assert len(text) <= echo.size < len(text.encode()) + 100
        assert json.loads(echo.text()) == {
            "type": "message",
            "client_id": "alice",
            "content": text,
            "echo": f"Server received: {text}",
        }
