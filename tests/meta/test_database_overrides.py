"""`database_overrides`: every dependency that reaches the database, on the test's session.

The kit's default names the session dependency alone, so a project with nothing else copies the
kit unchanged; that default is checked in an inner run wired with the kit and a session
dependency only (the host's fixture would win here). This project's host fixture adds the read
path (`get_reads`), which in production reads on an engine of its own, not on the session.
"""

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from app.core.db import get_session
from app.core.reads import Reads, get_reads
from tests.fixtures.app import Overrides
from tests.meta.support import ROOT, run_inner
from tests.support.host import unreachable_database_error, unreachable_database_url

pytest_plugins = ["pytester"]

KIT_ONLY_CONFTEST = '''
"""The kit, and the least a project gives it: a schema step, a session dependency, an app."""

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from fastapi import FastAPI

pytest_plugins = ["tests.fixtures.database", "tests.fixtures.app"]


async def get_session() -> AsyncIterator[None]:
    yield None


@pytest.fixture(scope="session")
def database_setup() -> Callable[[str], Awaitable[None]]:
    async def no_schema(url: str) -> None:
        return None

    return no_schema


@pytest.fixture(scope="session")
def session_dependency() -> Callable[..., Any]:
    return get_session


@pytest.fixture
def app_factory() -> Callable[[], FastAPI]:
    return FastAPI
'''

KIT_DEFAULT_TESTS = """
async def test_the_default_names_the_session_dependency_alone(
    database_overrides, session_dependency
) -> None:
    async def sessions():
        yield None

    assert database_overrides(sessions) == {session_dependency: sessions}


async def test_app_overrides_the_session_dependency_alone_with_the_tests_session(
    app, session_dependency, db_session
) -> None:
    assert list(app.dependency_overrides) == [session_dependency]
    assert await anext(app.dependency_overrides[session_dependency]()) is db_session
"""


def test_the_kits_default_overrides_come_from_the_session_dependency_alone(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite+aiosqlite://")  # never this worker's database
    pytester.makeini((ROOT / "pytest.ini").read_text())
    pytester.makeconftest(KIT_ONLY_CONFTEST)
    pytester.makepyfile(test_kit_default=KIT_DEFAULT_TESTS)

    result = run_inner(pytester, "test_kit_default.py")

    result.assert_outcomes(passed=2)


async def test_this_projects_app_overrides_the_session_and_the_read_path(
    app: FastAPI, db_session: AsyncSession
) -> None:
    """The host's `database_overrides` is the one the kit uses, not the kit's default."""
    assert set(app.dependency_overrides) == {get_session, get_reads}
    assert await anext(app.dependency_overrides[get_session]()) is db_session
    reads = await app.dependency_overrides[get_reads](db_session)
    assert isinstance(reads, Reads)


def reads_elsewhere() -> Reads:
    raise AssertionError("never called: the test only checks which override is installed")


@pytest.fixture
def own_reads(override: Overrides) -> None:
    override(get_reads, reads_elsewhere)


@pytest.mark.usefixtures("own_reads")
def test_a_tests_own_read_override_wins_over_the_kits(app: FastAPI) -> None:
    assert app.dependency_overrides[get_reads] is reads_elsewhere


@pytest.fixture
async def broken_session(override: Overrides, database_url: str) -> AsyncIterator[None]:
    """The test's own session dependency: sessions on a database that does not exist."""
    engine = create_async_engine(unreachable_database_url(database_url))

    async def unreachable_session() -> AsyncIterator[AsyncSession]:
        async with AsyncSession(engine) as session:
            yield session

    override(get_session, unreachable_session)
    yield
    await engine.dispose()


@pytest.mark.usefixtures("broken_session")
async def test_a_tests_broken_session_reaches_the_read_path_too(
    client: httpx.AsyncClient, database_url: str
) -> None:
    """The kit's read override reads on whatever session the app has: a test that breaks the
    database through the session breaks the read path as well, as a real outage would."""
    with pytest.raises(DBAPIError) as failed:
        await client.get("/books/1")

    assert unreachable_database_error(database_url) in str(failed.value)
