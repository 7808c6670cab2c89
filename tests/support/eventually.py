"""Waiting on state a live server's thread changes (tests/resilience/).

The server runs its own event loop in another thread: its counters (hashes waiting for a slot,
an outbox's bytes, open connections) have no event the test's loop could await. `eventually`
reads them until they hold; its deadline only turns a hang into a failure naming what never
happened, it never decides a result.
"""

import asyncio
from collections.abc import Callable

DEADLINE_SECONDS = 30.0
POLL_SECONDS = 0.01


async def eventually(check: Callable[[], bool], what: str) -> None:
    """Returns once `check()` is true; fails naming `what` after DEADLINE_SECONDS.

    A read that meets a dict the server's thread is resizing (RuntimeError) counts as not yet."""
    try:
        async with asyncio.timeout(DEADLINE_SECONDS):
            while True:
                try:
                    if check():
                        return
                except RuntimeError:
                    pass
                await asyncio.sleep(POLL_SECONDS)
    except TimeoutError:
        raise AssertionError(f"not after {DEADLINE_SECONDS} s: {what}") from None
