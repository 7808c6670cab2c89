"""The leak detector (tests/fixtures/leaks.py, issue 18): a test that leaves rows outside its
transaction, a connection checked out, a task running, or an override or `app.state` change on a
guarded app fails at its teardown, named, with what it left; its clean neighbour passes.

What a test leaves is seen only after it, so each kind runs in an inner pytest run with this
project's pytest.ini and root conftest (the kit's wiring, the detector listed), on this run's
database server: SQLite, or PostgreSQL in a database of the inner run's own. The same leaking
tests pass without the detector (`-p no:tests.fixtures.leaks`). Settings replaced or changed in
place are proved in tests/meta/test_settings_override.py.
"""

import pytest
from sqlalchemy import make_url

from app import main
from app.core.config import get_settings
from tests.meta.support import run_inner, wire_inner_run

pytest_plugins = ["pytester"]

DETECTOR_OFF = ("-p", "no:tests.fixtures.leaks")

ROWS = """
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import UserFactory, persist


async def test_commits_a_user_on_a_session_of_its_own(db_engine):
    async with AsyncSession(db_engine) as session:
        await persist(session, UserFactory)


async def test_writes_on_the_rolled_back_session(db_session):
    await persist(db_session, UserFactory)
"""

CONNECTIONS = """
from sqlalchemy import text

HELD = []  # referenced, so only the detector gives the connection back


async def test_keeps_a_connection_checked_out(db_engine):
    connection = await db_engine.connect()
    HELD.append(connection)
    await connection.execute(text("SELECT 1"))


async def test_closes_its_connection(db_engine):
    async with db_engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
"""

TASKS = """
import asyncio


async def poll_forever():
    while True:
        await asyncio.sleep(0.01)


async def test_starts_a_task_and_leaves_it_running():
    asyncio.get_running_loop().create_task(poll_forever(), name="forgotten-poller")


async def test_awaits_its_task():
    await asyncio.get_running_loop().create_task(asyncio.sleep(0), name="awaited")
"""

OVERRIDES = """
from app import main
from app.core.config import get_settings


def leaked_settings():
    return "leaked"


def test_overrides_the_module_app_and_leaves_it():
    main.app.dependency_overrides[get_settings] = leaked_settings


def test_overrides_through_the_fixture(override):
    override(get_settings, leaked_settings, app=main.app)
"""

STATE = """
from app import main


def test_adds_to_the_module_apps_state():
    main.app.state.feature_flags = {"beta": True}


def test_reads_the_module_apps_state():
    assert main.app.state.settings is not None
"""

KINDS = [
    pytest.param(
        ROWS,
        "test_commits_a_user_on_a_session_of_its_own",
        ["- rows committed outside the test's transaction: users: 0 -> 1 rows"],
        id="rows",
    ),
    pytest.param(
        CONNECTIONS,
        "test_keeps_a_connection_checked_out",
        [
            "- connection from AsyncAdaptedQueuePool checked out at */test_leak.py:7 in "
            "test_keeps_a_connection_checked_out and never returned; returned now"
        ],
        id="connection",
    ),
    pytest.param(
        TASKS,
        "test_starts_a_task_and_leaves_it_running",
        [
            "- task still running: <Task pending name='forgotten-poller' coro=<poll_forever() "
            "running at */test_leak.py:6> *; cancelled"
        ],
        id="task",
    ),
    pytest.param(
        OVERRIDES,
        "test_overrides_the_module_app_and_leaves_it",
        [
            "- dependency_overrides leaked on 'Bookstore API': {(<function get_settings at *>, "
            "<function leaked_settings at *>)}"
        ],
        id="override",
    ),
    pytest.param(
        STATE,
        "test_adds_to_the_module_apps_state",
        ["- app.state leaked on 'Bookstore API': feature_flags added"],
        id="app_state",
    ),
]


def wire_on_this_server(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, base_database_url: str
) -> None:
    """The kit's wiring; on PostgreSQL the inner run makes (and drops) databases of its own: it
    is its own run, not an xdist worker of this one."""
    wire_inner_run(pytester, monkeypatch)
    if make_url(base_database_url).get_backend_name() == "postgresql":
        monkeypatch.setenv("TEST_DATABASE_URL", base_database_url)
        monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
        monkeypatch.delenv("PYTEST_XDIST_TESTRUNUID", raising=False)
    monkeypatch.setenv("COLUMNS", "300")


@pytest.mark.parametrize(("source", "leaking_test", "leak_lines"), KINDS)
def test_a_leak_fails_its_test_naming_it_and_what_it_left(
    source: str,
    leaking_test: str,
    leak_lines: list[str],
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    base_database_url: str,
) -> None:
    wire_on_this_server(pytester, monkeypatch, base_database_url)
    pytester.makepyfile(test_leak=source)

    result = run_inner(pytester, "test_leak.py")

    result.stdout.fnmatch_lines(
        [
            f"*ERROR at teardown of {leaking_test}*",
            f"Leak detector (tests.fixtures.leaks): test_leak.py::{leaking_test} left behind:",
            *leak_lines,
        ]
    )
    result.assert_outcomes(passed=2, errors=1)  # the clean neighbour passes
    assert main.app.dependency_overrides == {}
    assert not hasattr(main.app.state, "feature_flags")


def test_without_the_detector_the_same_leaks_pass_unseen(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, base_database_url: str
) -> None:
    """The control: each leaking test above passes when the detector is off. (The connection's:
    an aiosqlite connection never closed keeps its thread, and this worker, alive.)"""
    wire_on_this_server(pytester, monkeypatch, base_database_url)
    pytester.makepyfile(
        test_rows=ROWS, test_tasks=TASKS, test_overrides=OVERRIDES, test_state=STATE
    )
    files = ("test_rows.py", "test_tasks.py", "test_overrides.py", "test_state.py")
    try:
        result = run_inner(pytester, *DETECTOR_OFF, *files)

        result.assert_outcomes(passed=8)
        assert get_settings in main.app.dependency_overrides
        assert main.app.state.feature_flags == {"beta": True}
    finally:
        main.app.dependency_overrides.clear()
        if hasattr(main.app.state, "feature_flags"):
            del main.app.state.feature_flags
