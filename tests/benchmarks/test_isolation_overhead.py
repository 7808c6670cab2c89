"""What per-test isolation costs: the kit's rolled-back transaction against create/drop per test.

Each round is one test's worth of database work (isolate, insert a user, commit, count, clean up).
Run with: uv run pytest -m benchmark tests/benchmarks -p no:randomly [-p no:xdist]
"""

import asyncio
from collections.abc import Iterator

import pytest
from pytest_benchmark.fixture import BenchmarkFixture
from sqlalchemy import URL, func, make_url, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from app.core.db import Base
from app.users.models import User
from tests.factories import UserFactory
from tests.fixtures.database import EngineFactory, rolled_back_session

pytestmark = pytest.mark.benchmark
# Fixed rounds (pedantic; 5.3 leaves it unannotated) where `make benchmark` gates: it compares
# the fastest round, and enough rounds make one of them free of other processes' interference.


@pytest.fixture
def runner() -> Iterator[asyncio.Runner]:
    """Benchmarks are sync: each gets its own event loop, with engines made on it."""
    with asyncio.Runner() as loop_runner:
        yield loop_runner


async def _insert_commit_count(session: AsyncSession) -> int:
    session.add(UserFactory.build())
    await session.commit()
    return await session.scalar(select(func.count()).select_from(User)) or 0


async def _rolled_back_round(engine: AsyncEngine) -> int:
    async with rolled_back_session(engine, {"expire_on_commit": False}) as session:
        return await _insert_commit_count(session)


async def _create_drop_round(engine: AsyncEngine) -> int:
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            return await _insert_commit_count(session)
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.drop_all)


def test_rolled_back_transaction_per_test(
    benchmark: BenchmarkFixture,
    runner: asyncio.Runner,
    database_url: str,
    engine_factory: EngineFactory,
) -> None:
    engine = engine_factory(database_url)
    try:
        counts = benchmark.pedantic(  # type: ignore[no-untyped-call]
            lambda: runner.run(_rolled_back_round(engine)), rounds=200, warmup_rounds=5
        )
    finally:
        runner.run(engine.dispose())
    assert counts == 1  # every round starts from an empty table


def test_create_and_drop_tables_per_test(
    benchmark: BenchmarkFixture,
    runner: asyncio.Runner,
    database_url: str,
    engine_factory: EngineFactory,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # A database of its own: dropping the migrated tables would break the other tests.
    base = make_url(database_url)
    if base.get_backend_name() == "sqlite":
        path = tmp_path_factory.mktemp("bench") / "create_drop.sqlite3"
        url = base.set(database=str(path)).render_as_string(hide_password=False)
    else:
        url = runner.run(_scratch_postgres_database(base, create=True))
    engine = engine_factory(url)
    try:
        counts = benchmark(lambda: runner.run(_create_drop_round(engine)))
    finally:
        runner.run(engine.dispose())
        if base.get_backend_name() != "sqlite":
            runner.run(_scratch_postgres_database(base, create=False))
    assert counts == 1


async def _scratch_postgres_database(base: URL, *, create: bool) -> str:
    name = f"{base.database}_bench"
    admin = create_async_engine(
        base.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            if create:
                await connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)
