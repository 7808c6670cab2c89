"""Domain events and the bus that delivers them (in-process; Redis fan-out comes later)."""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DomainEvent:
    """`type` like "order.placed"; `recipient_id` None means everyone, else that user (and
    admins, who see every event)."""

    type: str
    payload: dict[str, Any]
    recipient_id: int | None = None

    def message(self) -> dict[str, Any]:
        return {"type": self.type, **self.payload}


Subscriber = Callable[[DomainEvent], Awaitable[None]]


@dataclass
class InProcessEventBus:
    """Calls every subscriber in turn; one failing subscriber never stops the others."""

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


def get_event_bus(request: Request) -> InProcessEventBus:
    bus: InProcessEventBus = request.app.state.event_bus
    return bus


EventBusDep = Annotated[InProcessEventBus, Depends(get_event_bus)]
