"""An engine that cannot keep a test's writes rolled back stops the first database test, with a
message naming the option (issue 21, tests/fixtures/rollback_check.py), on SQLite and PostgreSQL.

Each inner run is this project's wiring (the kit and tests/support/host.py) with one
`engine_factory` overridden in the test module, and two tests on `db_session`: both error at
setup with the kit's message, or both pass. Production's own factory, and on PostgreSQL a plain
engine, pass: the check raises no false alarm.
"""

import os
import uuid

import pytest

from tests.meta.support import run_inner, wire_inner_run

pytest_plugins = ["pytester"]

INNER_TESTS = """
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from app.core.db import create_engine
from tests.fixtures.database import make_engine
from tests.support.host import engine_settings

FACTORIES = {
    "production": lambda url: create_engine(engine_settings(url)),
    "autocommit_option": lambda url: create_engine(engine_settings(url)).execution_options(
        isolation_level="AUTOCOMMIT"
    ),
    "autocommit_engine": lambda url: make_engine(url, isolation_level="AUTOCOMMIT"),
    "plain": create_async_engine,
}


@pytest.fixture(scope="session")
def engine_factory():
    return FACTORIES["{factory}"]


async def test_first(db_session: AsyncSession) -> None:
    assert (await db_session.execute(text("SELECT 1"))).scalar_one() == 1


async def test_second(db_session: AsyncSession) -> None:
    assert (await db_session.execute(text("SELECT 2"))).scalar_one() == 2
"""

AUTOCOMMIT_FIX = (
    "isolation_level=AUTOCOMMIT. No test transaction is ever begun on it, so every commit() of "
    "the code under test would be for good"
)
NO_RECIPE = (
    "a row written in a released SAVEPOINT outlived the rollback of its transaction: SQLite's "
    "driver begins transactions itself, so RELEASE of the first SAVEPOINT commits"
)
CASES = [
    pytest.param("sqlite", "production", None, id="sqlite-production"),
    pytest.param(
        "sqlite",
        "autocommit_option",
        f'(execution_options(isolation_level="AUTOCOMMIT")): {AUTOCOMMIT_FIX}',
        id="sqlite-autocommit_option",
    ),
    pytest.param(
        "sqlite",
        "autocommit_engine",
        f'(create_engine(..., isolation_level="AUTOCOMMIT")): {AUTOCOMMIT_FIX}',
        id="sqlite-autocommit_engine",
    ),
    pytest.param("sqlite", "plain", NO_RECIPE, id="sqlite-plain"),
    pytest.param("postgresql", "production", None, id="postgresql-production"),
    pytest.param(
        "postgresql",
        "autocommit_option",
        f'(execution_options(isolation_level="AUTOCOMMIT")): {AUTOCOMMIT_FIX}',
        id="postgresql-autocommit_option",
    ),
    pytest.param(
        "postgresql",
        "autocommit_engine",
        f'(create_engine(..., isolation_level="AUTOCOMMIT")): {AUTOCOMMIT_FIX}',
        id="postgresql-autocommit_engine",
    ),
    pytest.param("postgresql", "plain", None, id="postgresql-plain"),
]


def _postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    return url if url.startswith("postgresql+asyncpg") else None


def _wire(backend: str, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    postgres = _postgres_url()
    wire_inner_run(pytester, monkeypatch)
    if backend == "postgresql":
        if postgres is None:
            pytest.skip("needs a PostgreSQL DATABASE_URL (asyncpg): the outer run is on SQLite")
        # A run of its own: its template and database are its own, dropped at its end.
        monkeypatch.setenv("TEST_DATABASE_URL", postgres)
        monkeypatch.setenv("PYTEST_XDIST_TESTRUNUID", uuid.uuid4().hex)
        monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)


@pytest.mark.parametrize(("backend", "factory", "message"), CASES)
def test_an_engine_that_breaks_the_rollback_stops_the_first_test_naming_the_option(
    backend: str,
    factory: str,
    message: str | None,
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _wire(backend, pytester, monkeypatch)
    pytester.makepyfile(test_inner=INNER_TESTS.replace("{factory}", factory))
    monkeypatch.setenv("COLUMNS", "400")

    result = run_inner(pytester, "-p", "no:xdist", "test_inner.py")

    if message is None:
        result.assert_outcomes(passed=2)
        return
    reports = result.reprec.getreports("pytest_runtest_logreport")  # type: ignore[attr-defined]
    failed = {r.nodeid: (r.when, str(r.longrepr)) for r in reports if r.failed}
    assert sorted(failed) == ["test_inner.py::test_first", "test_inner.py::test_second"], failed
    for when, text in failed.values():
        assert when == "setup", text
        assert "RollbackBroken: The fixture kit: " in text, text
        assert message in text, text
    result.assert_outcomes(errors=2)
