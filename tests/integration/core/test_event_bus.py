"""`RedisEventBus` on the test Redis: its lifecycle, a malformed message, a dropped connection.

Each test has a channel and a client name of its own; the connection it drops is found by that
name, so no other client of the same Redis is touched."""

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from uuid import uuid4

import pytest
from redis.asyncio import Redis

from app.core import events
from app.core.events import DomainEvent, RedisEventBus

BOOK = DomainEvent("book.created", {"book": {"id": 1, "title": "Dune"}})
ORDER = DomainEvent("order.placed", {"order": {"id": 7}}, recipient_id=3)
LISTENER = "event-bus-listener"
WAIT_SECONDS = 5.0
POLL_SECONDS = 0.01


@pytest.fixture
def channel() -> str:
    return f"test:events:{uuid4().hex}"


@pytest.fixture
async def admin(reachable_redis_url: str) -> AsyncIterator[Redis]:
    """A client of the test's own, to publish around the bus and to look at the server."""
    redis = Redis.from_url(reachable_redis_url)
    yield redis
    await redis.aclose()


@pytest.fixture
def client_name() -> str:
    return f"test-bus-{uuid4().hex}"


@pytest.fixture
def new_bus(
    reachable_redis_url: str, channel: str, client_name: str
) -> Callable[[], RedisEventBus]:
    """A bus on the test's channel, its connections named `client_name` (each test stops it)."""
    return lambda: RedisEventBus(
        Redis.from_url(reachable_redis_url, client_name=client_name), channel
    )


def listeners() -> list[asyncio.Task[object]]:
    return [task for task in asyncio.all_tasks() if task.get_name() == LISTENER]


async def next_event(received: "asyncio.Queue[DomainEvent]") -> DomainEvent:
    async with asyncio.timeout(WAIT_SECONDS):
        return await received.get()


def recorder(bus: RedisEventBus) -> "asyncio.Queue[DomainEvent]":
    received: asyncio.Queue[DomainEvent] = asyncio.Queue()

    async def record(event: DomainEvent) -> None:
        received.put_nowait(event)

    bus.subscribe(record)
    return received


async def subscribers(admin: Redis, channel: str) -> int:
    [(_, count)] = await admin.pubsub_numsub(channel)
    return int(count)


async def poll(condition: Callable[[], Awaitable[bool]], what: str) -> None:
    """Checks `condition` every POLL_SECONDS, WAIT_SECONDS at most: neither Redis nor logging
    tells a waiter when a client subscribes or a record is written."""
    for _ in range(int(WAIT_SECONDS / POLL_SECONDS)):
        if await condition():
            return
        await asyncio.sleep(POLL_SECONDS)
    pytest.fail(f"waited {WAIT_SECONDS} s for {what}")


class TestLifecycle:
    async def test_a_bus_never_started_stops_without_error(
        self, new_bus: Callable[[], RedisEventBus]
    ) -> None:
        bus = new_bus()

        await bus.stop()

        assert listeners() == []

    async def test_start_subscribes_one_named_listener_and_stop_ends_it_twice_over(
        self, new_bus: Callable[[], RedisEventBus], admin: Redis, channel: str
    ) -> None:
        bus = new_bus()
        received = recorder(bus)

        await bus.start()
        started = (len(listeners()), await subscribers(admin, channel))
        await bus.publish(BOOK)
        delivered = await next_event(received)
        await bus.stop()
        await bus.stop()

        assert (started, delivered, listeners()) == ((1, 1), BOOK, [])

        async def unsubscribed() -> bool:  # the connection is dropped, Redis sees it soon after
            return await subscribers(admin, channel) == 0

        await poll(unsubscribed, "Redis to drop the subscription")

    async def test_stop_returns_once_a_delivery_in_progress_has_ended(
        self, new_bus: Callable[[], RedisEventBus]
    ) -> None:
        bus = new_bus()
        delivering, ended = asyncio.Event(), asyncio.Event()

        async def slow_to_end(event: DomainEvent) -> None:
            delivering.set()
            try:
                await asyncio.Event().wait()
            finally:
                await asyncio.sleep(0.05)  # a subscriber's own cleanup, cancelled mid-delivery
                ended.set()

        bus.subscribe(slow_to_end)
        await bus.start()
        await bus.publish(BOOK)
        async with asyncio.timeout(WAIT_SECONDS):
            await delivering.wait()

        await bus.stop()

        assert (ended.is_set(), listeners()) == (True, [])


async def test_a_malformed_message_is_logged_and_skipped(
    new_bus: Callable[[], RedisEventBus],
    admin: Redis,
    channel: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bus = new_bus()
    received = recorder(bus)
    await bus.start()
    try:
        await admin.publish(channel, "not json")
        await bus.publish(ORDER)
        delivered = await next_event(received)  # after the malformed one: one channel, in order
    finally:
        await bus.stop()

    assert (delivered, received.empty()) == (ORDER, True)
    assert [
        (record.levelno, record.getMessage())
        for record in caplog.records
        if record.name == "app.core.events"
    ] == [(logging.WARNING, f"ignored a malformed event on {channel}")]


async def test_a_dropped_connection_is_logged_and_the_bus_resubscribes(
    new_bus: Callable[[], RedisEventBus],
    admin: Redis,
    channel: str,
    client_name: str,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(events, "RESUBSCRIBE_DELAY_SECONDS", 0.01)
    bus = new_bus()
    received = recorder(bus)
    await bus.start()
    try:
        [subscriber] = [
            client for client in await admin.client_list() if client["name"] == client_name
        ]
        await admin.client_kill_filter(_id=subscriber["id"])

        async def dropped() -> bool:
            return any(record.name == "app.core.events" for record in caplog.records)

        async def resubscribed() -> bool:
            return await subscribers(admin, channel) == 1

        await poll(dropped, "the listener to notice the dropped connection")
        await poll(resubscribed, "the listener to subscribe again")
        await bus.publish(BOOK)
        delivered = await next_event(received)
    finally:
        await bus.stop()

    assert delivered == BOOK
    assert [
        (record.levelno, record.getMessage(), record.exc_info is not None)
        for record in caplog.records
        if record.name == "app.core.events"
    ] == [(logging.ERROR, f"event bus lost Redis; resubscribing to {channel}", True)]
