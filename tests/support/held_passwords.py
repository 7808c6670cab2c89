"""The app's password hashing, watched or held, for live-server tests (tests/resilience/).

`HookedPasswords` awaits a hook before every hash and verify: a probe of what the database
holds at that moment, or `HeldVerifies.hold`, which stands in for slow Argon2 checks all in
flight at once, without a clock.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Literal

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.security import Passwords

Work = Literal["hash", "verify"]


class HookedPasswords:
    """`inner` (the app's `Passwords`) with `before(work)` awaited before each hash or verify.

    Install it with `app.state.passwords = HookedPasswords(app.state.passwords, before)`
    before the app is served: requests read `app.state.passwords`.
    """

    def __init__(self, inner: Passwords, before: Callable[[Work], Awaitable[None]]) -> None:
        self._inner = inner
        self._before = before

    async def hash(self, password: str) -> str:
        await self._before("hash")
        return await self._inner.hash(password)

    async def verify(self, password: str, password_hash: str | None) -> bool:
        await self._before("verify")
        return await self._inner.verify(password, password_hash)


class HeldVerifies:
    """Holds every verify until each of `parties` requests is verifying or has been answered.

    As if every check took long enough for all the requests to overlap: whatever runs before
    the verify (the login limit, the user lookup, a transaction taken too early) runs for all of
    them first, deterministically. A request that never gets to verify (a 429, a 500) counts
    once its response starts, so the hold ends either way. Wrap the served app with `app()` so
    answers are counted, and use `hold` as the `HookedPasswords` hook.
    """

    def __init__(self, parties: int) -> None:
        self.parties = parties
        self.verifies = 0  # every verify that started, held or not
        self._held = 0
        self._answered = 0
        self._released = asyncio.Event()

    def _count(self) -> None:
        if self._held + self._answered >= self.parties:
            self._released.set()

    async def hold(self, work: Work) -> None:
        if work != "verify":
            return
        self.verifies += 1
        if not self._released.is_set():
            self._held += 1
            self._count()
            await self._released.wait()

    def app(self, inner: ASGIApp) -> ASGIApp:
        """`inner`, counting each HTTP response as it starts."""

        async def counted(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await inner(scope, receive, send)
                return

            async def send_counted(message: Message) -> None:
                if message["type"] == "http.response.start" and not self._released.is_set():
                    self._answered += 1
                    self._count()
                await send(message)

            await inner(scope, receive, send_counted)

        return counted
