"""The circuit breaker through the adapter, with a fake clock: open, half-open, closed again.

Technique: a `FakeClock` injected where the code reads the time; the test moves it with
`advance(seconds)`, so a 30-second cool-down takes no time at all. The catalogue is an
`httpx.MockTransport` whose handler counts the requests that really went out: "fails fast"
is asserted as "no request was sent".
"""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest

from app.catalog.breaker import BreakerState, CircuitBreaker
from app.catalog.client import CatalogClient, CatalogPolicy
from app.catalog.exceptions import CatalogCircuitOpen, CatalogUnavailable
from tests.support.fakes import FakeClock

ISBN = "9780441013593"
THRESHOLD = 3
COOLDOWN_SECONDS = 30
NO_RETRIES = CatalogPolicy(
    base_url="https://catalog.test", timeout=httpx.Timeout(1.0), retries=0, backoff_seconds=0
)


@dataclass
class SwitchableCatalogue:
    """Up (200 with a record) or down (503); counts what reaches it."""

    up: bool = False
    requests: int = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if self.up:
            return httpx.Response(200, json={"title": "Dune"})
        return httpx.Response(503)


@dataclass
class Rig:
    catalogue: SwitchableCatalogue
    breaker: CircuitBreaker
    clock: FakeClock
    client: CatalogClient

    async def fail_until_open(self) -> None:
        for _ in range(THRESHOLD):
            with pytest.raises(CatalogUnavailable):
                await self.client.lookup(ISBN)


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    catalogue = SwitchableCatalogue()
    breaker = CircuitBreaker(THRESHOLD, timedelta(seconds=COOLDOWN_SECONDS))
    clock = FakeClock()
    async with httpx.AsyncClient(transport=httpx.MockTransport(catalogue)) as http:
        yield Rig(catalogue, breaker, clock, CatalogClient(http, NO_RETRIES, breaker, clock=clock))


async def test_it_opens_after_the_threshold_and_then_fails_fast(rig: Rig) -> None:
    await rig.fail_until_open()

    with pytest.raises(CatalogCircuitOpen) as raised:
        await rig.client.lookup(ISBN)

    assert raised.value.status_code == 502
    assert raised.value.detail == (
        "The book catalogue is unavailable (failing fast after repeated failures)"
    )
    assert rig.catalogue.requests == THRESHOLD  # the fast failure sent nothing
    assert rig.breaker.state(rig.clock()) is BreakerState.OPEN


async def test_a_success_before_the_threshold_resets_the_count(rig: Rig) -> None:
    for _ in range(THRESHOLD - 1):
        with pytest.raises(CatalogUnavailable):
            await rig.client.lookup(ISBN)
    rig.catalogue.up = True
    await rig.client.lookup(ISBN)
    rig.catalogue.up = False

    for _ in range(THRESHOLD - 1):
        with pytest.raises(CatalogUnavailable):
            await rig.client.lookup(ISBN)

    assert rig.breaker.state(rig.clock()) is BreakerState.CLOSED


async def test_still_open_one_second_before_the_cool_down_ends(rig: Rig) -> None:
    await rig.fail_until_open()
    rig.clock.advance(COOLDOWN_SECONDS - 1)

    with pytest.raises(CatalogCircuitOpen):
        await rig.client.lookup(ISBN)
    assert rig.catalogue.requests == THRESHOLD


async def test_after_the_cool_down_a_successful_trial_closes_it(rig: Rig) -> None:
    await rig.fail_until_open()
    rig.clock.advance(COOLDOWN_SECONDS)
    assert rig.breaker.state(rig.clock()) is BreakerState.HALF_OPEN
    rig.catalogue.up = True

    metadata = await rig.client.lookup(ISBN)

    assert metadata is not None
    assert rig.breaker.state(rig.clock()) is BreakerState.CLOSED
    assert rig.catalogue.requests == THRESHOLD + 1


async def test_a_failed_trial_opens_it_for_another_cool_down(rig: Rig) -> None:
    await rig.fail_until_open()
    rig.clock.advance(COOLDOWN_SECONDS)

    with pytest.raises(CatalogUnavailable):
        await rig.client.lookup(ISBN)  # the one trial, sent and failed

    assert rig.catalogue.requests == THRESHOLD + 1
    assert rig.breaker.state(rig.clock()) is BreakerState.OPEN
    rig.clock.advance(COOLDOWN_SECONDS)
    assert rig.breaker.state(rig.clock()) is BreakerState.HALF_OPEN


class TestHalfOpen:
    """The breaker alone: while the trial is out, everyone else still fails fast."""

    def test_only_one_trial_goes_out_at_a_time(self) -> None:
        clock = FakeClock()
        breaker = CircuitBreaker(1, timedelta(seconds=COOLDOWN_SECONDS))
        breaker.record_failure(clock())
        clock.advance(COOLDOWN_SECONDS)

        assert [breaker.allow(clock()), breaker.allow(clock())] == [True, False]

    def test_an_abandoned_trial_lets_the_next_caller_try(self) -> None:
        clock = FakeClock()
        breaker = CircuitBreaker(1, timedelta(seconds=COOLDOWN_SECONDS))
        breaker.record_failure(clock())
        clock.advance(COOLDOWN_SECONDS)
        assert breaker.allow(clock()) is True

        breaker.abandon_trial()

        assert breaker.allow(clock()) is True


async def test_a_cancelled_trial_does_not_leave_the_breaker_stuck(rig: Rig) -> None:
    await rig.fail_until_open()
    rig.clock.advance(COOLDOWN_SECONDS)

    def cancel(request: httpx.Request) -> httpx.Response:
        raise asyncio.CancelledError  # the client went away mid-call: no verdict

    async with httpx.AsyncClient(transport=httpx.MockTransport(cancel)) as http:
        cancelling = CatalogClient(http, NO_RETRIES, rig.breaker, clock=rig.clock)
        with pytest.raises(asyncio.CancelledError):
            await cancelling.lookup(ISBN)

    rig.catalogue.up = True
    assert await rig.client.lookup(ISBN) is not None
