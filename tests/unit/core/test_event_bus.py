"""`RedisEventBus.start` waiting for Redis to confirm the subscription, on a scripted pub/sub
(a real Redis always confirms at once: neither a slow nor a missing confirmation can be made)."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any, cast

import pytest
from redis.asyncio import Redis

from app.core import events
from app.core.events import RedisEventBus

CONFIRMED = {"type": "subscribe", "pattern": None, "channel": b"events", "data": 1}


class ScriptedPubSub:
    """The part of redis-py's `PubSub` the bus uses. `get_message` returns each scripted reply
    in turn, then does what redis-py does when nothing arrives: returns None after `timeout`
    seconds, or waits for good when `timeout` is None."""

    def __init__(self, *replies: dict[str, Any] | None) -> None:
        self.replies = list(replies)
        self.channels: list[str] = []

    async def subscribe(self, channel: str) -> None:
        self.channels.append(channel)

    async def get_message(
        self,
        *,
        timeout: float | None,  # noqa: ASYNC109  # redis-py's signature
    ) -> dict[str, Any] | None:
        if self.replies:
            return self.replies.pop(0)
        if timeout is None:
            await asyncio.Event().wait()
        else:
            await asyncio.sleep(timeout)
        return None

    async def listen(self) -> AsyncIterator[dict[str, Any]]:
        await asyncio.Event().wait()  # nothing is ever published
        yield {}

    async def aclose(self) -> None:
        pass


class ScriptedRedis:
    def __init__(self, pubsub: ScriptedPubSub) -> None:
        self._pubsub = pubsub

    def pubsub(self, **options: object) -> ScriptedPubSub:
        return self._pubsub

    async def aclose(self) -> None:
        pass


def bus_on(pubsub: ScriptedPubSub) -> RedisEventBus:
    return RedisEventBus(cast(Redis, ScriptedRedis(pubsub)), "events")


async def test_start_returns_only_after_the_confirmation_a_slow_redis_sends_late() -> None:
    pubsub = ScriptedPubSub(None, None, CONFIRMED)  # two reads end with nothing, then it comes
    bus = bus_on(pubsub)

    await bus.start()
    try:
        assert (pubsub.channels, pubsub.replies) == (["events"], [])
    finally:
        await bus.stop()


async def test_start_gives_up_after_the_subscribe_timeout_when_redis_never_confirms(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(events, "SUBSCRIBE_TIMEOUT_SECONDS", 0.05)
    bus = bus_on(ScriptedPubSub())
    starting = asyncio.create_task(bus.start())

    done, _ = await asyncio.wait([starting], timeout=2)

    try:
        assert starting in done, "start() was still waiting 2 s after its 0.05 s timeout"
        assert isinstance(starting.exception(), TimeoutError)
    finally:
        starting.cancel()
        await asyncio.gather(starting, return_exceptions=True)
        await bus.stop()
