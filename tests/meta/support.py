"""Helpers for the meta tests: a view from outside the test's transaction, and inner pytest runs."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import Connection, delete, func, inspect, select, table
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

from app.users.models import User

ROOT = Path(__file__).resolve().parents[2]


@asynccontextmanager
async def outside_connection(database_url: str) -> AsyncIterator[AsyncConnection]:
    """A connection of its own, in AUTOCOMMIT: it sees only what was really committed."""
    engine = create_async_engine(database_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            yield connection
    finally:
        await engine.dispose()


async def committed_emails(database_url: str) -> list[str]:
    """The users' emails another connection can see, sorted."""
    async with outside_connection(database_url) as connection:
        result = await connection.execute(select(User.email).order_by(User.email))
        return list(result.scalars())


async def delete_committed_users(database_url: str, *emails: str) -> None:
    """Cleans up after a test that shows a commit escaping (it must not leak into other tests)."""
    async with outside_connection(database_url) as connection:
        await connection.execute(delete(User).where(User.email.in_(emails)))


def _count_rows(connection: Connection) -> dict[str, int]:
    return {
        name: connection.scalar(select(func.count()).select_from(table(name))) or 0
        for name in sorted(inspect(connection).get_table_names())
    }


async def committed_row_counts(database_url: str) -> dict[str, int]:
    """Rows per table, as another connection sees them."""
    async with outside_connection(database_url) as connection:
        return await connection.run_sync(_count_rows)


def wire_inner_run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """Gives an inner pytest run this project's pytest.ini and root conftest: the kit's wiring.

    The inner run gets a SQLite database of its own: it inherits this worker's xdist variables,
    so on PostgreSQL it would name (and drop at its end) the database this worker is using.
    """
    monkeypatch.setenv("DATABASE_URL", "sqlite+aiosqlite://")
    monkeypatch.delenv("TEST_DATABASE_URL", raising=False)  # the kit's own, read first
    pytester.makeini((ROOT / "pytest.ini").read_text())
    pytester.makeconftest((ROOT / "tests" / "conftest.py").read_text())


def run_inner(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """Runs pytest in-process on the given files, in file order (no random order inside)."""
    return pytester.runpytest("-p", "no:randomly", "-p", "no:cacheprovider", *args)
