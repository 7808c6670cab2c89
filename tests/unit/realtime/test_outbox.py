"""The per-connection outbox: order, the drop-oldest policy, flushing, a failing client."""

import asyncio

import anyio

from app.realtime.outbox import Message, Outbox, open_outbox

WAIT_SECONDS = 5.0


class Recorder:
    """A client's `send`: records messages; blocked until `opened` is set."""

    def __init__(self, *, open_now: bool = True) -> None:
        self.sent: list[Message] = []
        self.entered = asyncio.Event()
        self.opened = asyncio.Event()
        if open_now:
            self.opened.set()

    async def __call__(self, message: Message) -> None:
        self.entered.set()
        await self.opened.wait()
        self.sent.append(message)


async def test_messages_are_sent_in_the_order_pushed() -> None:
    client = Recorder()
    async with open_outbox(client) as outbox:
        for n in range(3):
            outbox.push({"n": n})
        with anyio.fail_after(WAIT_SECONDS):
            assert await outbox.flush()
    assert client.sent == [{"n": 0}, {"n": 1}, {"n": 2}]


async def test_full_queue_drops_the_oldest_message_and_counts_it() -> None:
    client = Recorder()
    outbox = Outbox(client, maxsize=2)
    for n in range(4):
        outbox.push({"n": n})
    drain = asyncio.create_task(outbox.drain())
    try:
        with anyio.fail_after(WAIT_SECONDS):
            assert await outbox.flush()
    finally:
        drain.cancel()
    assert (client.sent, outbox.dropped) == ([{"n": 2}, {"n": 3}], 2)


async def test_stuck_client_never_blocks_the_pusher_and_keeps_the_newest() -> None:
    client = Recorder(open_now=False)
    async with open_outbox(client, maxsize=2) as outbox:
        outbox.push({"n": 0})
        with anyio.fail_after(WAIT_SECONDS):
            await client.entered.wait()  # the drain task is now stuck sending {"n": 0}
        for n in range(1, 10):
            outbox.push({"n": n})  # never waits, although nothing can be sent
        client.opened.set()
        with anyio.fail_after(WAIT_SECONDS):
            assert await outbox.flush()
    # The drain task held {"n": 0} when the client stalled; the queue kept the two newest.
    assert client.sent == [{"n": 0}, {"n": 8}, {"n": 9}]
    assert outbox.dropped == 7


async def test_drain_stops_quietly_when_the_client_is_gone() -> None:
    async def gone(message: Message) -> None:
        raise RuntimeError("Cannot call send once a close message has been sent")

    outbox = Outbox(gone)
    outbox.push({"n": 0})
    with anyio.fail_after(WAIT_SECONDS):
        await outbox.drain()  # returns instead of raising or looping
    assert outbox.dropped == 0
