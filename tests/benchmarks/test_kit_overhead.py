"""What the kit costs a test before the test does anything: issue 18, "A suite twice as fast".

One round is the fixture work of one test that asks for `client` (and so `db_session`): a new
app from the host's `app_factory`, the database overrides installed on the test's rolled-back
session, the lifespan started, an httpx client on the app, then all of it torn down. The second
case adds the test's first request, because a new FastAPI app builds each router's routes the
first time a request walks past them, and every test pays that on its own app.
Run with: uv run pytest -m benchmark tests/benchmarks/test_kit_overhead.py -p no:xdist
"""

import asyncio
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from pytest_benchmark.fixture import BenchmarkFixture
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.fixtures.app import (
    DatabaseOverrides,
    _yielding,
    install_database_overrides,
    new_app,
    started_client,
)
from tests.fixtures.database import EngineFactory, rolled_back_session

pytestmark = pytest.mark.benchmark
ROUNDS = 100


@pytest.fixture
def runner() -> Iterator[asyncio.Runner]:
    """Benchmarks are sync: each gets its own event loop, with its engine made on it."""
    with asyncio.Runner() as loop_runner:
        yield loop_runner


async def _one_test(
    engine: AsyncEngine,
    app_factory: Callable[[], FastAPI],
    overrides: DatabaseOverrides,
    request: str | None,
) -> int | None:
    """The kit's `db_session`, `app`, `running_app` and `client`, in their order."""
    async with rolled_back_session(engine, {"expire_on_commit": False}) as session:
        application = new_app(app_factory)
        install_database_overrides(application, overrides(_yielding(session)))
        async with started_client(application) as client:
            if request is None:
                return None
            return (await client.get(request)).status_code


@pytest.mark.parametrize(
    ("request_path", "status"),
    [pytest.param(None, None, id="empty"), pytest.param("/books?limit=1", 200, id="one_request")],
)
def test_a_test_with_client_and_db_session(
    benchmark: BenchmarkFixture,
    runner: asyncio.Runner,
    database_url: str,
    engine_factory: EngineFactory,
    app_factory: Callable[[], FastAPI],
    database_overrides: DatabaseOverrides,
    request_path: str | None,
    status: int | None,
) -> None:
    engine = engine_factory(database_url)
    try:
        result = benchmark.pedantic(  # type: ignore[no-untyped-call]
            lambda: runner.run(_one_test(engine, app_factory, database_overrides, request_path)),
            rounds=ROUNDS,
            warmup_rounds=3,
        )
    finally:
        runner.run(engine.dispose())
    assert result == status
