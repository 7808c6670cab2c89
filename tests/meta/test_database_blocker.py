"""The database blocker (tests/fixtures/blocker.py, issue 18): a test that did not ask for a
database fails at its first connection, on SQLite and PostgreSQL, async and sync engines, a
connection pooled earlier included; the marker and the kit's fixtures let a test through.

The blocker acts on every engine of the process, which no test inside the suite can show on
itself without being blocked; so the proofs run inner test files through `pytester`, with this
project's pytest.ini and root conftest; the blocked module names its own folder in
`database_blocker_paths`, the host's (tests/unit) holds neither file. The PostgreSQL URLs name a
server nobody needs: a blocked engine never reaches the driver, so the run is the same on
either database.
"""

import pytest

from tests.fixtures.blocker import DatabaseAccessBlocked, blocked
from tests.meta.support import ROOT, run_inner, wire_inner_run

pytest_plugins = ["pytester"]

UNIT_TESTS = """
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.pool import QueuePool

POOLED = create_engine("sqlite://", poolclass=QueuePool)


@pytest.fixture(scope="session")
def database_blocker_paths():
    return [Path(__file__).parent]  # this folder; the host's tests/unit elsewhere


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("sqlite://", id="sqlite3"),
        pytest.param("postgresql+psycopg://postgres@127.0.0.1:5432/blocked", id="psycopg"),
    ],
)
def test_a_sync_engine_is_blocked(url):
    engine = create_engine(url)
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("sqlite+aiosqlite://", id="aiosqlite"),
        pytest.param("postgresql+asyncpg://postgres@127.0.0.1:5432/blocked", id="asyncpg"),
    ],
)
async def test_an_async_engine_is_blocked(url):
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    finally:
        await engine.dispose()


@pytest.mark.database_allowed(reason="fills the pool the next test checks out from")
def test_the_marker_lets_a_test_connect():
    with POOLED.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1


def test_a_connection_pooled_earlier_is_blocked_at_checkout():
    with POOLED.connect() as connection:
        connection.execute(text("SELECT 1"))


def test_an_error_the_code_under_test_swallows_still_fails_the_test():
    try:
        with create_engine("sqlite://").connect():
            pass
    except Exception:
        pass  # a health check reporting "database down", say


async def test_asking_for_db_session_lets_a_test_connect(db_session: AsyncSession):
    assert await db_session.scalar(text("SELECT 1")) == 1


def test_a_test_that_never_connects_passes():
    assert 1 + 1 == 2
"""

ELSEWHERE_TEST = """
from sqlalchemy import create_engine, text


def test_a_test_outside_the_blocked_paths_may_connect():
    with create_engine("sqlite://").connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1
"""

NO_REASON_TEST = """
import pytest


@pytest.mark.database_allowed
def test_marked_without_a_reason():
    pass
"""


def test_a_unit_test_that_connects_fails_naming_the_fixtures_to_request(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    wire_inner_run(pytester, monkeypatch)
    pytester.makepyfile(**{"tests/unit/test_inner": UNIT_TESTS})
    pytester.makepyfile(**{"tests/elsewhere/test_elsewhere": ELSEWHERE_TEST})
    monkeypatch.setenv("COLUMNS", "400")

    result = run_inner(pytester, "tests/unit/test_inner.py", "tests/elsewhere/test_elsewhere.py")

    # the swallowing test passes its call, then errs at teardown
    result.assert_outcomes(passed=5, failed=5, errors=1)
    unit = "tests/unit/test_inner.py"
    failures = {
        (report.nodeid.removeprefix(f"{unit}::"), report.when): str(report.longrepr)
        for report in result.reprec.getreports("pytest_runtest_logreport")  # type: ignore[attr-defined]
        if report.failed
    }
    assert sorted(failures) == [
        ("test_a_connection_pooled_earlier_is_blocked_at_checkout", "call"),
        ("test_a_sync_engine_is_blocked[psycopg]", "call"),
        ("test_a_sync_engine_is_blocked[sqlite3]", "call"),
        ("test_an_async_engine_is_blocked[aiosqlite]", "call"),
        ("test_an_async_engine_is_blocked[asyncpg]", "call"),
        ("test_an_error_the_code_under_test_swallows_still_fails_the_test", "teardown"),
    ]
    for (test, _when), text in failures.items():
        where = "pool checkout" if "pooled" in test else "connect"
        assert (
            f"Database access blocked ({where}): {unit}::{test} did not ask for a database. "
            "Request one of the kit's fixtures (db_session, app, client, sync_client, "
            "committed_db or database_url, or a fixture built on them), or mark the test "
            '@pytest.mark.database_allowed(reason="...")'
        ) in text, text
    assert (
        "(the error was caught by the code under test)"
        in failures[("test_an_error_the_code_under_test_swallows_still_fails_the_test", "teardown")]
    )


def test_the_marker_without_a_reason_is_refused(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    wire_inner_run(pytester, monkeypatch)
    pytester.makepyfile(**{"tests/unit/test_no_reason": NO_REASON_TEST})

    result = run_inner(pytester, "tests/unit/test_no_reason.py")

    result.stdout.fnmatch_lines(["*@pytest.mark.database_allowed needs a reason=*"])
    assert result.ret != 0


def test_this_test_asked_for_no_database_and_is_not_blocked_outside_the_unit_layer(
    request: pytest.FixtureRequest,
) -> None:
    """tests/meta is outside the host's `database_blocker_paths`: the suite blocks its unit
    layer only."""
    assert not blocked(request.node, request.fixturenames, [ROOT / "tests" / "unit"])
    assert issubclass(DatabaseAccessBlocked, RuntimeError)
