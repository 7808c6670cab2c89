"""The schema comes from Alembic, and Alembic matches the models.

The round trip runs on the worker's kind of database: a scratch PostgreSQL database (created
and dropped through an AUTOCOMMIT admin engine) or a temporary SQLite file.
"""

import asyncio
import contextlib
import logging
import sqlite3
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from app.migrations import ALEMBIC_INI, downgrade_to_base, upgrade_to_head
from app.models import Base
from tests.fixtures.database import EngineFactory
from tests.fixtures.worker_databases import worker_name


def _drift(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(Config(ALEMBIC_INI))


@pytest.fixture
async def empty_database_url(database_url: str, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of the worker's kind, gone after the test."""
    base = make_url(database_url)
    if base.get_backend_name() == "sqlite":
        yield base.set(database=str(tmp_path / "roundtrip.sqlite3")).render_as_string(
            hide_password=False
        )
        return
    name = f"{base.database}_mig_{worker_name()}_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(
        base.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield base.set(database=name).render_as_string(hide_password=False)
        finally:
            async with admin.connect() as connection:
                await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


def test_migration_history_has_exactly_one_head() -> None:
    assert len(_scripts().get_heads()) == 1


async def test_migrated_worker_database_matches_the_models(db_engine: AsyncEngine) -> None:
    async with db_engine.connect() as connection:
        assert await connection.run_sync(_drift) == []


async def test_upgrade_to_head_then_downgrade_to_base_round_trips(
    empty_database_url: str, engine_factory: EngineFactory
) -> None:
    head = _scripts().get_current_head()
    engine = engine_factory(empty_database_url)
    try:
        await asyncio.to_thread(upgrade_to_head, empty_database_url)
        async with engine.connect() as connection:
            assert await connection.run_sync(_revision) == head
            assert await connection.run_sync(_tables) == {"alembic_version", *Base.metadata.tables}
            assert await connection.run_sync(_drift) == []
        await asyncio.to_thread(downgrade_to_base, empty_database_url)
        async with engine.connect() as connection:
            assert await connection.run_sync(_revision) is None
            assert await connection.run_sync(_tables) == {"alembic_version"}
    finally:
        await engine.dispose()


class TestUpgradeToHead:
    """What `upgrade_to_head` (the seed command, the test kit) hands Alembic besides the URL."""

    def test_a_url_holding_a_percent_sign_migrates_the_database_it_names(
        self, tmp_path: Path
    ) -> None:
        folder = tmp_path / "100%"  # alembic.ini's interpolation would read `%/` as a syntax error
        folder.mkdir()

        upgrade_to_head(f"sqlite+aiosqlite:///{folder / 'shop.sqlite3'}")

        with contextlib.closing(sqlite3.connect(folder / "shop.sqlite3")) as connection:
            versions = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        assert versions == [(_scripts().get_current_head(),)]

    def test_the_logging_configuration_is_left_alone(self, tmp_path: Path) -> None:
        """alembic.ini's [loggers] are for the `alembic` command: run from code, they would
        replace the root handlers (the app's JSON logs) with a plain stderr one."""

        def logging_state() -> tuple[object, ...]:
            root = logging.getLogger()
            return (
                root.level,
                list(root.handlers),
                logging.getLogger("alembic").level,
                logging.getLogger("sqlalchemy.engine").level,
            )

        before = logging_state()

        upgrade_to_head(f"sqlite+aiosqlite:///{tmp_path / 'shop.sqlite3'}")

        assert logging_state() == before
