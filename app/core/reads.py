"""Read-only statements for the hot read endpoints, on a connection held only while they run.

`ReadsDep` depends on the session dependency, so whatever replaces that session (the test kit's
rolled-back session, a committed one, a broken one) is what the fast read path uses too: the
per-test transaction still isolates it. Only for the app's own session (production) does it
take a pooled connection of its own, inside the request, in autocommit on PostgreSQL (one round
trip per statement: no BEGIN/ROLLBACK around a single read), and give it back before the
response is sent instead of after, as a yield dependency would.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from app.core.db import SessionDep

Executor = AsyncConnection | AsyncSession


def create_read_engine(engine: AsyncEngine) -> AsyncEngine:
    """The same pool; PostgreSQL reads in autocommit (READ COMMITTED gives each statement its own
    snapshot either way). SQLite keeps its transactions (its BEGIN hook makes SAVEPOINTs work)."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    return engine


class Reads:
    """`async with reads.executor() as db: await db.execute(statement, params)`."""

    def __init__(self, session: AsyncSession, engine: AsyncEngine | None) -> None:
        self._session = session
        self._engine = engine

    @asynccontextmanager
    async def executor(self) -> AsyncIterator[Executor]:
        if self._engine is None:
            # A session the app did not make (a test's): its transaction, its unflushed rows.
            yield self._session
            return
        async with self._engine.connect() as connection:
            yield connection


async def get_reads(request: Request, session: SessionDep) -> Reads:
    """The app's own session is never used here: its engine's read twin is (see module doc).

    `async def`: a plain `def` dependency would be sent to the thread pool on every request.
    """
    state = request.app.state
    own = session.bind is not None and session.bind is getattr(state, "engine", None)
    return Reads(session, state.read_engine if own else None)


ReadsDep = Annotated[Reads, Depends(get_reads)]
