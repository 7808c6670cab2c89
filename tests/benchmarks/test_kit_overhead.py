"""What the kit costs a test before the test does anything: issue 18, "A suite twice as fast".

One round is the fixture work of one test that asks for `client` (and so `db_session`): a new
app from the host's `app_factory`, the database overrides installed on the test's rolled-back
session, the lifespan started, an httpx client on the app, then all of it torn down. The second
benchmark adds the test's first request, because a new FastAPI app builds each router's routes
the first time a request walks past them, and every test pays that on its own app.
Run with: uv run pytest -m benchmark tests/benchmarks/test_kit_overhead.py -p no:xdist
"""

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from pytest_benchmark.fixture import BenchmarkFixture
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.fixtures.app import (
    BASE_URL,
    DatabaseOverrides,
    _yielding,
    install_database_overrides,
    new_app,
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
        async with (
            LifespanManager(application) as manager,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=manager.app), base_url=BASE_URL
            ) as client,
        ):
            if request is None:
                return None
            return (await client.get(request)).status_code


def _run(
    benchmark: BenchmarkFixture,
    runner: asyncio.Runner,
    round_of: Callable[[AsyncEngine], Any],
    database_url: str,
    engine_factory: EngineFactory,
) -> Any:
    engine = engine_factory(database_url)
    try:
        return benchmark.pedantic(  # type: ignore[no-untyped-call]
            lambda: runner.run(round_of(engine)), rounds=ROUNDS, warmup_rounds=3
        )
    finally:
        runner.run(engine.dispose())


def test_an_empty_test_with_client_and_db_session(
    benchmark: BenchmarkFixture,
    runner: asyncio.Runner,
    database_url: str,
    engine_factory: EngineFactory,
    app_factory: Callable[[], FastAPI],
    database_overrides: DatabaseOverrides,
) -> None:
    result = _run(
        benchmark,
        runner,
        lambda engine: _one_test(engine, app_factory, database_overrides, None),
        database_url,
        engine_factory,
    )
    assert result is None


def test_a_test_with_client_and_db_session_making_one_request(
    benchmark: BenchmarkFixture,
    runner: asyncio.Runner,
    database_url: str,
    engine_factory: EngineFactory,
    app_factory: Callable[[], FastAPI],
    database_overrides: DatabaseOverrides,
) -> None:
    status = _run(
        benchmark,
        runner,
        lambda engine: _one_test(engine, app_factory, database_overrides, "/books?limit=1"),
        database_url,
        engine_factory,
    )
    assert status == 200
