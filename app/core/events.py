"""Domain events and the buses that deliver them: in-process, or through Redis pub/sub.

Both buses have one interface (`EventBus`): `publish` an event, `subscribe` a local callback,
`start`/`stop` in the app's lifespan. With Redis, `publish` only sends the event to the channel;
every app instance (this one included) receives it on its subscriber task and hands it to its
own local subscribers, so a client connected to any process sees events published by any other.
Redis pub/sub is fire-and-forget: events published while a subscriber is disconnected are lost.
"""

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Protocol

from fastapi import Depends
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from starlette.requests import HTTPConnection

from app.core.config import Settings

logger = logging.getLogger(__name__)

# Pause before resubscribing after the Redis connection failed (redis-py reconnects itself).
RESUBSCRIBE_DELAY_SECONDS = 1.0
SUBSCRIBE_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class DomainEvent:
    """`type` like "order.placed"; `recipient_id` None means everyone, else that user (and
    admins, who see every event). `payload` must be JSON-ready (it may cross Redis)."""

    type: str
    payload: dict[str, Any]
    recipient_id: int | None = None

    def message(self) -> dict[str, Any]:
        return {"type": self.type, **self.payload}

    def to_json(self) -> str:
        return json.dumps(
            {"type": self.type, "payload": self.payload, "recipient_id": self.recipient_id}
        )

    @classmethod
    def from_json(cls, data: str | bytes) -> "DomainEvent":
        fields = json.loads(data)
        return cls(fields["type"], fields["payload"], fields["recipient_id"])


Subscriber = Callable[[DomainEvent], Awaitable[None]]


class EventBus(Protocol):
    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]: ...

    async def publish(self, event: DomainEvent) -> None: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


@dataclass
class InProcessEventBus:
    """Calls every subscriber in turn; one failing subscriber never stops the others.

    Subscribers must not block (the WebSocket ones only put the event in a bounded queue).
    """

    subscribers: list[Subscriber] = field(default_factory=list)

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Adds a subscriber; returns the function that removes it."""
        self.subscribers.append(subscriber)
        return lambda: self.subscribers.remove(subscriber)

    async def publish(self, event: DomainEvent) -> None:
        for subscriber in list(self.subscribers):
            try:
                await subscriber(event)
            except Exception:
                logger.exception("event subscriber failed for %s", event.type)

    async def start(self) -> None:
        """Nothing to start: delivery happens inside `publish`."""

    async def stop(self) -> None:
        """Nothing to stop."""


class RedisEventBus:
    """Publishes JSON on a Redis channel; a subscriber task delivers what arrives locally."""

    def __init__(self, redis: Redis, channel: str) -> None:
        self.redis = redis
        self.channel = channel
        self.local = InProcessEventBus()
        self._pubsub: PubSub | None = None
        self._task: asyncio.Task[None] | None = None

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        return self.local.subscribe(subscriber)

    async def publish(self, event: DomainEvent) -> None:
        await self.redis.publish(self.channel, event.to_json())

    async def start(self) -> None:
        """Returns once Redis confirmed the subscription: nothing published after is missed."""
        self._pubsub = self.redis.pubsub(ignore_subscribe_messages=False)
        await self._pubsub.subscribe(self.channel)
        async with asyncio.timeout(SUBSCRIBE_TIMEOUT_SECONDS):
            while True:
                message = await self._pubsub.get_message(timeout=SUBSCRIBE_TIMEOUT_SECONDS)
                if message is not None and message["type"] == "subscribe":
                    break
        self._task = asyncio.create_task(self._listen(self._pubsub), name="event-bus-listener")

    async def _listen(self, pubsub: PubSub) -> None:
        while True:
            try:
                async for message in pubsub.listen():
                    if message["type"] == "message":
                        await self._deliver(message["data"])
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("event bus lost Redis; resubscribing to %s", self.channel)
                await asyncio.sleep(RESUBSCRIBE_DELAY_SECONDS)

    async def _deliver(self, data: str | bytes) -> None:
        try:
            event = DomainEvent.from_json(data)
        except (ValueError, KeyError, TypeError):
            logger.warning("ignored a malformed event on %s", self.channel)
            return
        await self.local.publish(event)

    async def stop(self) -> None:
        """Stops the subscriber task and closes the connections; safe to call twice."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self._pubsub is not None:
            await self._pubsub.aclose()  # type: ignore[no-untyped-call]  # untyped in redis-py
            self._pubsub = None
        await self.redis.aclose()


def build_event_bus(settings: Settings) -> EventBus:
    """Redis pub/sub on `settings.events_channel` when REDIS_URL is set, else in-process."""
    if settings.redis_url is None:
        return InProcessEventBus()
    return RedisEventBus(Redis.from_url(settings.redis_url), settings.events_channel)


def get_event_bus(connection: HTTPConnection) -> EventBus:
    bus: EventBus = connection.app.state.event_bus
    return bus


EventBusDep = Annotated[EventBus, Depends(get_event_bus)]
