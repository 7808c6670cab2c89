"""A small circuit breaker: after N failures in a row, fail fast until a cool-down has passed.

Closed: calls go through; each failure counts, a success resets the count. Open (N reached):
calls fail at once, without touching the network. Half-open (cool-down over): one trial call
goes through; its success closes the breaker, its failure opens it for another cool-down.
The time is passed in by the caller (`now`), so tests move a fake clock instead of waiting.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass
class CircuitBreaker:
    failure_threshold: int
    cooldown: timedelta
    failures: int = 0
    opened_at: datetime | None = None
    trial_in_flight: bool = False

    def state(self, now: datetime) -> BreakerState:
        if self.opened_at is None:
            return BreakerState.CLOSED
        if now - self.opened_at >= self.cooldown:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    def allow(self, now: datetime) -> bool:
        """Whether a call may go out now; in half-open, only the first caller's may."""
        state = self.state(now)
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.HALF_OPEN and not self.trial_in_flight:
            self.trial_in_flight = True
            return True
        return False

    def record_success(self) -> None:
        self.failures = 0
        self.opened_at = None
        self.trial_in_flight = False

    def record_failure(self, now: datetime) -> None:
        self.failures += 1
        if self.trial_in_flight or self.failures >= self.failure_threshold:
            self.opened_at = now
        self.trial_in_flight = False

    def abandon_trial(self) -> None:
        """The trial call ended without a verdict (cancelled): let the next caller try."""
        self.trial_in_flight = False
