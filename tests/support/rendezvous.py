"""A meeting point for the requests of a burst against a live server (tests/resilience/).

After `expect(parties)`, each request that `arrive()`s is held until every one of the `parties`
has either arrived or been answered: whatever each request does before it arrives (a row read, a
lock taken, a transaction begun too early) then happens for all of them first, as if the work
after the meeting point were slow, without a clock. A request that never arrives (a 4xx, a 500)
counts once its response starts, so the meeting ends either way: serve `rendezvous.app(app)`.
Before `expect` (and once a meeting is over) requests pass straight through.
"""

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class Rendezvous:
    def __init__(self) -> None:
        self.parties = 0
        self.arrived = 0
        self._answered = 0
        self._met = asyncio.Event()
        self._met.set()

    def expect(self, parties: int) -> None:
        """The next `parties` requests meet before any goes past `arrive()`."""
        self.parties, self.arrived, self._answered = parties, 0, 0
        self._met = asyncio.Event()

    def _count(self) -> None:
        if self.arrived + self._answered >= self.parties:
            self._met.set()

    async def arrive(self) -> None:
        if self._met.is_set():
            return
        self.arrived += 1
        self._count()
        await self._met.wait()

    def app(self, inner: ASGIApp) -> ASGIApp:
        """`inner`, counting each HTTP response as it starts."""

        async def counted(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await inner(scope, receive, send)
                return

            async def send_counted(message: Message) -> None:
                if message["type"] == "http.response.start" and not self._met.is_set():
                    self._answered += 1
                    self._count()
                await send(message)

            await inner(scope, receive, send_counted)

        return counted
