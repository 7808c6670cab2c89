"""The loop guard (tests/fixtures/loops.py, issue 18): an engine made in a session-scoped fixture
and used by a test on a loop of its own fails with the kit's message, naming the scope to fix,
on aiosqlite and asyncpg; a test on the engine's loop is let through.

The misconfiguration is the inner project's: this project's pytest.ini and root conftest (the
kit's wiring), with `asyncio_default_test_loop_scope = function`, pytest-asyncio's default.
"""

import os

import pytest
from sqlalchemy import make_url

from tests.meta.support import ROOT, run_inner, wire_inner_run

pytest_plugins = ["pytester"]

INNER_TESTS = """
import os

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine


@pytest.fixture(scope="session")
async def engine():
    engine = create_async_engine(os.environ["LOOP_GUARD_URL"])
    async with engine.connect() as connection:  # the pool's connection, made on the session loop
        await connection.execute(text("SELECT 1"))
    yield engine
    await engine.dispose()


async def test_on_a_loop_of_its_own(engine):
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


@pytest.mark.asyncio(loop_scope="session")
async def test_on_the_engines_loop(engine):
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT 1"))).scalar() == 1
"""


def _postgres_url() -> str | None:
    """The outer run's PostgreSQL server (asyncpg), its maintenance database: the inner test
    only runs SELECT 1."""
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    if not url.startswith("postgresql+asyncpg://"):
        return None
    return make_url(url).set(database="postgres").render_as_string(hide_password=False)


@pytest.mark.parametrize(
    "driver", [pytest.param("aiosqlite", id="aiosqlite"), pytest.param("asyncpg", id="asyncpg")]
)
def test_a_session_engine_on_a_function_loop_fails_with_the_kits_message(
    driver: str, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    postgres = _postgres_url()
    if driver == "asyncpg" and postgres is None:
        pytest.skip("needs a PostgreSQL DATABASE_URL (asyncpg): the asyncpg case runs there")
    url = f"sqlite+aiosqlite:///{pytester.path / 'loops.db'}" if driver == "aiosqlite" else postgres
    wire_inner_run(pytester, monkeypatch)
    ini = (ROOT / "pytest.ini").read_text()
    assert "asyncio_default_test_loop_scope = session" in ini
    pytester.makeini(
        ini.replace("asyncio_default_test_loop_scope = session", "")
        + "asyncio_default_test_loop_scope = function\n"
    )
    pytester.makepyfile(test_inner=INNER_TESTS)
    monkeypatch.setenv("LOOP_GUARD_URL", str(url))
    monkeypatch.setenv("COLUMNS", "400")

    result = run_inner(pytester, "test_inner.py")

    test = "test_inner.py::test_on_a_loop_of_its_own"
    reports = result.reprec.getreports("pytest_runtest_logreport")  # type: ignore[attr-defined]
    failed = {(r.nodeid, r.when): str(r.longrepr) for r in reports if r.failed}
    assert sorted(failed) == [(test, "call")], failed  # the driver's error alone, or a pass
    text = failed[(test, "call")]
    assert (
        "LoopMismatch: The fixture kit (loop guard): a database connection made on event loop"
    ) in text, text
    assert f"during the setup of {test} was checked out on event loop" in text, text
    assert (
        f"during the call of {test}. An async engine belongs to the loop its connections were "
        "made on: an engine made in a session-scoped fixture, used in a test on a loop of its "
        "own. Fix: set asyncio_default_fixture_loop_scope = session and "
        "asyncio_default_test_loop_scope = session (section 'Configure'), or make the engine "
        "in a function-scoped fixture. See 'The loop guard' in"
    ) in text, text
    result.assert_outcomes(passed=1, failed=1)  # the test on the engine's loop is let through
