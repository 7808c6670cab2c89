"""`get_session`, the request's session: closed when the request ends if it holds a connection
or objects (app/core/db.py). On an engine of the test's own: the kit's fixtures override
`get_session` everywhere else."""

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.pool import AsyncAdaptedQueuePool
from starlette.requests import HTTPConnection

from app.books.models import Book
from app.core.db import create_sessionmaker, get_session

Use = Callable[[AsyncSession], Awaitable[object]]


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A file, so a pool that counts its checked-out connections (memory SQLite's does not)."""
    engine = create_async_engine(
        f"sqlite+aiosqlite:///{tmp_path / 'session.db'}", poolclass=AsyncAdaptedQueuePool
    )
    yield engine
    await engine.dispose()


def checked_out(engine: AsyncEngine) -> int:
    pool = engine.pool
    assert isinstance(pool, AsyncAdaptedQueuePool)
    return pool.checkedout()


async def read_in_a_transaction(session: AsyncSession) -> None:
    await session.execute(text("SELECT 1"))


async def load_then_commit(session: AsyncSession) -> Book:
    book = Book(id=1, title="Dune")
    make_transient_to_detached(book)
    loaded = await session.merge(book, load=False)  # as a read would have loaded it
    await session.commit()  # expire_on_commit=False: the book stays in the session
    return loaded  # the identity map holds it weakly: the request (the test) holds it


async def add_without_flushing(session: AsyncSession) -> Book:
    book = Book(title="Dune")
    session.add(book)
    return book


@pytest.mark.parametrize(
    "use",
    [
        pytest.param(read_in_a_transaction, id="connection_in_a_transaction"),
        pytest.param(load_then_commit, id="objects_loaded_no_transaction"),
        pytest.param(add_without_flushing, id="objects_added_no_transaction"),
    ],
)
async def test_a_used_session_is_closed_when_the_request_ends(
    engine: AsyncEngine, use: Use
) -> None:
    app = FastAPI()
    app.state.sessionmaker = create_sessionmaker(engine)
    dependency = get_session(HTTPConnection({"type": "http", "app": app}))
    session = await anext(dependency)
    kept = await use(session)

    with pytest.raises(StopAsyncIteration):
        await anext(dependency)  # the end of the request

    assert (
        session.in_transaction(),
        list(session.identity_map.keys()),
        list(session.new),
        checked_out(engine),
    ) == (False, [], [], 0)
    assert kept is None or not inspect(kept).persistent
