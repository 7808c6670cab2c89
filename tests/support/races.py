"""Racing requests that really race: sessions that start (and optionally commit) together."""

import asyncio
import contextlib
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession


def racing_session_class(parties: int, *, meet_at_commit: bool) -> type[AsyncSession]:
    """An AsyncSession class that lines up `parties` racing requests, so the race is run every time.

    All sessions start together (no request is done before the next one begins). With
    `meet_at_commit`, `commit()` also waits until every session got there: each request has then
    done all its reads, a pre-check say, before any of them writes. A session that ends without
    committing (a request refused early) breaks the barrier, so the others never wait for ever.
    """
    start, commit = asyncio.Barrier(parties), asyncio.Barrier(parties)

    class RacingSession(AsyncSession):
        reached_commit = False

        async def __aenter__(self) -> Self:
            await start.wait()
            return await super().__aenter__()

        async def commit(self) -> None:
            self.reached_commit = True
            if meet_at_commit:
                with contextlib.suppress(asyncio.BrokenBarrierError):
                    await commit.wait()
            await super().commit()

        async def close(self) -> None:
            if not self.reached_commit:
                await commit.abort()
            await super().close()

    return RacingSession
