"""Async Alembic environment: runs migrations over an async engine (aiosqlite or asyncpg)."""

import asyncio
from logging.config import fileConfig

from alembic import context
from alembic.operations.ops import MigrationScript
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from app.core.config import Settings
from app.core.db import create_engine
from app.models import Base

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def _database_url() -> str:
    return config.get_main_option("sqlalchemy.url") or Settings().database_url


def _numbered_revision(
    _context: MigrationContext, _revision: object, directives: list[MigrationScript]
) -> None:
    """`alembic revision --autogenerate` numbers the new revision after the highest one, like the
    files in alembic/versions (0005 after 0004), unless `--rev-id` names it (issue 22)."""
    if not directives or getattr(config.cmd_opts, "rev_id", None):
        return
    revisions = (script.revision for script in ScriptDirectory.from_config(config).walk_revisions())
    highest = max((int(revision) for revision in revisions if revision.isdigit()), default=0)
    directives[0].rev_id = f"{highest + 1:04d}"


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        process_revision_directives=_numbered_revision,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    engine = create_engine(Settings(database_url=_database_url()))
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


def run_migrations_offline() -> None:
    context.configure(
        url=_database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_async_migrations())
