"""Racing requests that really race: sessions that start (and optionally commit) together."""

import asyncio
import contextlib
from typing import Any, Self

from sqlalchemy.ext.asyncio import AsyncSession


def locks_rows(statement: Any) -> bool:
    """A `SELECT ... FOR UPDATE` (SQLAlchemy keeps the clause as `_for_update_arg`)."""
    return getattr(statement, "_for_update_arg", None) is not None


def racing_session_class(parties: int, *, meet_at_commit: bool) -> type[AsyncSession]:
    """An AsyncSession class that lines up `parties` racing requests, so the race is run every time.

    All sessions start together (no request is done before the next one begins). With
    `meet_at_commit`, `commit()` also waits until every session got there: each request has then
    done all its reads, a pre-check say, before any of them writes. A request that locks rows
    (`SELECT ... FOR UPDATE`, through `execute`, `scalars` or `scalar`) meets the others just
    before its first lock instead: a party waiting at commit while holding locks would block the
    others for ever. A session that ends without meeting (a request refused early) breaks the
    barrier, so the others never wait for ever.
    """
    start, meeting = asyncio.Barrier(parties), asyncio.Barrier(parties)

    class RacingSession(AsyncSession):
        met = False

        async def __aenter__(self) -> Self:
            await start.wait()
            return await super().__aenter__()

        async def _meet(self) -> None:
            if self.met:
                return
            self.met = True
            if meet_at_commit:
                with contextlib.suppress(asyncio.BrokenBarrierError):
                    await meeting.wait()

        async def execute(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
            if locks_rows(statement):
                await self._meet()
            return await super().execute(statement, *args, **kwargs)

        async def scalar(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
            if locks_rows(statement):
                await self._meet()
            return await super().scalar(statement, *args, **kwargs)

        async def commit(self) -> None:
            await self._meet()
            await super().commit()

        async def close(self) -> None:
            if not self.met:
                await meeting.abort()
            await super().close()

    return RacingSession
