"""A pooled connection the database server dropped (a restart, a failover, an idle timeout), or a
statement it refused, on the app as deployed (issue 21): the request that meets it fails, the
next ones are served."""

import json

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.support.logs import captured_log_output
from tests.support.production import Deployed, committed_book, committed_user


async def get_on_a_new_connection(deployed: Deployed, path: str) -> int:
    """uvicorn closes the connection of a request that raised: each request opens its own."""
    async with httpx.AsyncClient(base_url=deployed.url) as client:
        return (await client.get(path)).status_code


async def test_the_read_path_recovers_from_a_dropped_connection(
    committed_db: async_sessionmaker[AsyncSession],
    deployed: Deployed,
    deployed_client: httpx.AsyncClient,
) -> None:
    if deployed.settings.is_sqlite:
        pytest.skip("a file database has no server to drop the connection: PostgreSQL only")
    book = await committed_book(committed_db, await committed_user(committed_db))
    async with committed_db() as session:
        started = (await session.execute(text("SELECT clock_timestamp()"))).scalar_one()
        served = await deployed_client.get(f"/books/{book.id}")
        dropped = await session.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND backend_start > :started"
            ),
            {"started": started},
        )
        assert dropped.scalars().all() == [True]

    failed = await deployed_client.get(f"/books/{book.id}")
    after = [(await get_on_a_new_connection(deployed, f"/books/{book.id}")) for _ in range(2)]

    assert served.status_code == 200, served.text
    assert (failed.status_code, failed.json()) == (500, {"detail": "Internal Server Error"})
    assert after == [200, 200]


async def test_a_statement_the_server_refuses_fails_the_request_and_keeps_the_connection(
    committed_db: async_sessionmaker[AsyncSession],
    deployed: Deployed,
    deployed_client: httpx.AsyncClient,
) -> None:
    """The schema changed under the running app (a migration ahead of the code): asyncpg's
    error on the read path's own connection is SQLAlchemy's DBAPIError, a 500, and the
    connection serves the next read once the table is back."""
    if deployed.settings.is_sqlite:
        pytest.skip("needs PostgreSQL: on SQLite reads take SQLAlchemy, not the asyncpg route")
    book = await committed_book(committed_db, await committed_user(committed_db))
    async with committed_db() as session:
        await session.execute(text("ALTER TABLE books RENAME TO books_moved"))
        await session.commit()
    json_logs = deployed.settings.model_copy(update={"log_format": "json"})
    try:
        with captured_log_output(json_logs) as output:
            refused = await deployed_client.get(f"/books/{book.id}")
    finally:
        async with committed_db() as session:
            await session.execute(text("ALTER TABLE books_moved RENAME TO books"))
            await session.commit()
    served = await get_on_a_new_connection(deployed, f"/books/{book.id}")

    crashes = [
        line["exception"]
        for line in map(json.loads, output.getvalue().splitlines())
        if line["event"] == "unhandled_exception"
    ]
    assert (refused.status_code, refused.json()) == (500, {"detail": "Internal Server Error"})
    assert len(crashes) == 1
    assert "\nsqlalchemy.exc.DBAPIError: (asyncpg.exceptions.UndefinedTableError)" in crashes[0]
    assert served == 200
