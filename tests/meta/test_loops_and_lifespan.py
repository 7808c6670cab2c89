"""One event loop for fixtures and tests; TestClient's own loop; the lifespan really runs."""

import asyncio
import configparser
import threading

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.testclient import TestClient

from tests.fixtures.app import AppFactory
from tests.meta.support import ROOT


@pytest.fixture(scope="session")
async def engine_loop(db_engine: AsyncEngine) -> asyncio.AbstractEventLoop:
    """The loop the session-scoped engine first connected on; its pooled connections
    (asyncpg's above all) belong to that loop."""
    async with db_engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
    return asyncio.get_running_loop()


async def test_session_fixtures_and_tests_share_one_running_loop(
    engine_loop: asyncio.AbstractEventLoop, db_session: AsyncSession
) -> None:
    assert asyncio.get_running_loop() is engine_loop
    assert await db_session.scalar(text("SELECT 1")) == 1


def test_sync_client_runs_the_app_on_its_own_loop_in_another_thread(
    sync_client: TestClient, engine_loop: asyncio.AbstractEventLoop
) -> None:
    """Why `sync_client` makes its session through the portal: the app never runs on the
    engine's loop, so a session from `db_session` would be on the wrong loop (asyncpg fails)."""
    portal = sync_client.portal
    assert portal is not None

    app_loop = portal.call(asyncio.get_running_loop)
    app_thread = portal.call(threading.get_ident)

    assert app_loop is not engine_loop
    assert app_thread != threading.get_ident()
    response = sync_client.get("/health/ready")
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "redis": "disabled"}}


async def test_client_runs_the_apps_lifespan(app: FastAPI, client: httpx.AsyncClient) -> None:
    """`sessionmaker` is set only by the lifespan (app.main.lifespan)."""
    assert isinstance(app.state.sessionmaker, async_sessionmaker)


def test_sync_client_runs_the_apps_lifespan(sync_client: TestClient) -> None:
    application = sync_client.app
    assert isinstance(application, FastAPI)
    assert isinstance(application.state.sessionmaker, async_sessionmaker)


async def test_bare_asgi_transport_does_not_run_the_lifespan(app_factory: AppFactory) -> None:
    """The pitfall `client` avoids: without LifespanManager the app's state is never built."""
    application = app_factory()
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as bare:
        with pytest.raises(AttributeError, match="'State' object has no attribute 'sessionmaker'"):
            await bare.get("/health/ready")


def test_pytest_runs_fixtures_and_tests_on_the_session_loop(pytestconfig: pytest.Config) -> None:
    names = ("asyncio_default_fixture_loop_scope", "asyncio_default_test_loop_scope")

    assert {name: pytestconfig.getini(name) for name in names} == {
        "asyncio_default_fixture_loop_scope": "session",
        "asyncio_default_test_loop_scope": "session",
    }


def test_coverage_follows_greenlets_and_threads() -> None:
    """Without greenlet concurrency, coverage misses the lines after each `await` in SQLAlchemy's
    async paths; `thread` covers TestClient's portal thread."""
    coveragerc = configparser.ConfigParser()
    coveragerc.read(ROOT / ".coveragerc")

    concurrency = coveragerc.get("run", "concurrency").split(",")
    assert sorted(part.strip() for part in concurrency) == ["greenlet", "thread"]
