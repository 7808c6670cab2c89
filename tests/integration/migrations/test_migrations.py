"""The schema comes from Alembic, and Alembic matches the models."""

import asyncio
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from app.migrations import downgrade_to_base, upgrade_to_head
from app.models import Base
from tests.fixtures.database import make_engine


def _drift(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_migrated_worker_database_matches_the_models(db_engine: AsyncEngine) -> None:
    async with db_engine.connect() as connection:
        assert await connection.run_sync(_drift) == []


async def test_upgrade_then_downgrade_leaves_only_the_version_table(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'roundtrip.sqlite3'}"
    engine = make_engine(url)
    try:
        await asyncio.to_thread(upgrade_to_head, url)
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) == {"alembic_version", *Base.metadata.tables}
        await asyncio.to_thread(downgrade_to_base, url)
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) == {"alembic_version"}
    finally:
        await engine.dispose()
