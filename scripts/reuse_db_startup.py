"""What `database_url` costs a worker with and without `--reuse-db` (docs/worker-databases.md).

Runs the kit's own code on this project's schema, in turns: without the option, the schema
built by Alembic (SQLite: migrating the worker's file; PostgreSQL: a run's template migrated,
then the worker's clone); with it, the kept template copied (SQLite) or cloned (PostgreSQL).
PostgreSQL databases are made under a base name of their own and dropped at the end.

Usage, from the project's root (which must be importable):
    PYTHONPATH=. uv run --frozen python scripts/reuse_db_startup.py [rounds] [postgresql-url]
"""

import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.migrations import upgrade_to_head
from tests.fixtures.reuse import Reuse, copy_kept_sqlite_template, schema_digest
from tests.fixtures.worker_databases import PostgresDatabases

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "alembic" / "env.py", ROOT / "alembic" / "versions"]
SOURCES += sorted((ROOT / "app").glob("**/models.py"))
DIGEST = schema_digest(SOURCES, ROOT)


async def migrate(url: str) -> None:
    await asyncio.to_thread(upgrade_to_head, url)


async def sqlite(rounds: int) -> tuple[list[float], list[float]]:
    folder = Path(tempfile.mkdtemp())
    reuse = Reuse(DIGEST, rebuild=False, cache_dir=folder / "cache")
    reuse.cache_dir.mkdir()  # type: ignore[union-attr]

    async def build(path: Path) -> None:
        await migrate(f"sqlite+aiosqlite:///{path}")

    await copy_kept_sqlite_template(reuse, "warm-up", folder / "warm.sqlite3", build)
    plain, kept = [], []
    for round_ in range(rounds):
        start = time.perf_counter()
        await build(folder / f"plain{round_}.sqlite3")
        plain.append(time.perf_counter() - start)
        start = time.perf_counter()
        await copy_kept_sqlite_template(reuse, "run", folder / f"kept{round_}.sqlite3", build)
        kept.append(time.perf_counter() - start)
    return plain, kept


async def postgres(rounds: int, server: str) -> tuple[list[float], list[float]]:
    base = make_url(server).set(database=f"startup_{uuid.uuid4().hex[:6]}")
    reuse = Reuse(DIGEST, rebuild=False, cache_dir=None)
    plain: list[float] = []
    kept: list[float] = []
    try:
        for round_ in range(rounds + 1):  # round 0 builds the kept template: not counted
            for chosen, times in ((None, plain), (reuse, kept)):
                os.environ["PYTEST_XDIST_TESTRUNUID"] = uuid.uuid4().hex  # a run of its own
                databases = PostgresDatabases(base, migrate, chosen)
                start = time.perf_counter()
                await databases.create()
                elapsed = time.perf_counter() - start
                await databases.drop()
                if round_:
                    times.append(elapsed)
    finally:
        await drop_prefixed(server, f"{base.database}_")
    return plain, kept


async def drop_prefixed(server: str, prefix: str) -> None:
    admin = make_url(server).set(database="postgres")
    engine = create_async_engine(admin, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    query = text("SELECT datname FROM pg_database WHERE starts_with(datname, :prefix)")
    async with engine.connect() as connection:
        for name in list(await connection.scalars(query, {"prefix": prefix})):
            await connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    await engine.dispose()


def report(backend: str, plain: list[float], kept: list[float]) -> None:
    def shown(values: list[float]) -> str:
        low, high = min(values), max(values)
        return f"median {statistics.median(values):.3f} s (min {low:.3f}, max {high:.3f})"

    print(f"{backend}, {len(plain)} rounds: without --reuse-db {shown(plain)}; with {shown(kept)}")


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    server = (
        sys.argv[2] if len(sys.argv) > 2 else "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
    )
    report("SQLite", *asyncio.run(sqlite(rounds)))
    report("PostgreSQL", *asyncio.run(postgres(rounds, server)))


if __name__ == "__main__":
    main()
