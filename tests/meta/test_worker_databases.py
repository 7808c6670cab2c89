"""Every xdist worker gets a database of its own, built from the migrated schema."""

import os
import uuid
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from dirty_equals import IsStr
from sqlalchemy import URL, make_url, text
from sqlalchemy.ext.asyncio import AsyncConnection

from app.migrations import ALEMBIC_INI
from tests.fixtures.database import reuse_settings
from tests.fixtures.worker_databases import PostgresDatabases, kept_template_name
from tests.meta.support import outside_connection


def head_revision() -> str | None:
    return ScriptDirectory.from_config(Config(ALEMBIC_INI)).get_current_head()


async def alembic_versions(database_url: str) -> list[str]:
    async with outside_connection(database_url) as connection:
        return list(await connection.scalars(text("SELECT version_num FROM alembic_version")))


async def database_names(database_url: str, pattern: str) -> list[str]:
    query = text("SELECT datname FROM pg_database WHERE datname LIKE :pattern ORDER BY datname")
    async with outside_connection(database_url) as connection:
        return list(await connection.scalars(query, {"pattern": pattern}))


async def _no_setup(_url: str) -> None:
    """Stands in for `database_setup` where only names are computed."""


def test_database_url_is_this_workers_own(
    database_url: str, base_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    url, base = make_url(database_url), make_url(base_database_url)
    assert url.database is not None

    if url.get_backend_name() == "sqlite":
        # xdist gives each worker its own basetemp; the file lives in it.
        path = Path(url.database)
        assert (path.name, path.parent.parent) == (
            f"test_{worker}.sqlite3",
            tmp_path_factory.getbasetemp(),
        )
    else:
        run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
        run_part = run[:8] if run else IsStr(regex="[0-9a-f]{8}")
        assert url.database.split("_") == [base.database, "t", run_part, worker]
    assert url.database != base.database


async def test_worker_database_is_migrated_to_head_like_its_template(
    database_url: str, base_database_url: str, request: pytest.FixtureRequest
) -> None:
    """On PostgreSQL the worker's database is cloned from a template of the same run (under
    --reuse-db, from the template kept for the schema's hash)."""
    url = make_url(database_url)
    versions = {"worker": await alembic_versions(database_url)}
    expected = {"worker": [head_revision()]}
    if url.get_backend_name() == "postgresql":
        assert url.database is not None
        reuse = reuse_settings(request)
        template = (
            url.database.rsplit("_", 1)[0] + "_tpl"
            if reuse is None
            else kept_template_name(make_url(base_database_url), reuse)
        )
        template_url = url.set(database=template).render_as_string(hide_password=False)
        versions["template"] = await alembic_versions(template_url)
        expected["template"] = [head_revision()]

    assert versions == expected


def test_two_workers_of_one_run_get_two_databases_from_one_template(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTEST_XDIST_TESTRUNUID", "0123456789abcdef")
    base = make_url("postgresql+asyncpg://postgres@localhost/test")
    names = {}
    for worker in ("gw0", "gw1"):
        monkeypatch.setenv("PYTEST_XDIST_WORKER", worker)
        databases = PostgresDatabases(base, _no_setup)
        names[worker] = (databases.database, databases.template)

    assert names == {
        "gw0": ("test_t_01234567_gw0", "test_t_01234567_tpl"),
        "gw1": ("test_t_01234567_gw1", "test_t_01234567_tpl"),
    }


async def test_a_starting_run_keeps_the_idle_databases_of_a_run_still_going(
    base_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two runs on one server (two CI jobs, two developers): the second must not drop the
    first one's databases just because nobody is connected to them at that moment."""
    base = make_url(base_database_url)
    if base.get_backend_name() != "postgresql":
        pytest.skip("needs a PostgreSQL DATABASE_URL: only PostgreSQL databases outlive a run")
    # A prefix of its own, so this test never touches the databases of real runs.
    base = base.set(database="meta_sweep")
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    monkeypatch.setenv("PYTEST_XDIST_TESTRUNUID", "aaaaaaaa")
    still_going = PostgresDatabases(base, _no_setup)
    await still_going.create()
    monkeypatch.setenv("PYTEST_XDIST_TESTRUNUID", "bbbbbbbb")
    starting = PostgresDatabases(base, _no_setup)
    try:
        await starting.create()

        assert await database_names(base_database_url, "meta\\_sweep\\_t\\_%") == [
            "meta_sweep_t_aaaaaaaa_gw0",
            "meta_sweep_t_aaaaaaaa_tpl",
            "meta_sweep_t_bbbbbbbb_gw0",
            "meta_sweep_t_bbbbbbbb_tpl",
        ]
    finally:
        await starting.drop()
        await still_going.drop()


# An advisory lock taken with one bigint key shows in pg_locks as its two halves.
RUN_LOCKS_HELD = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1"
    " AND ((classid::bigint << 32) | objid::bigint) = hashtext(:key)::bigint"
)


def postgres_base(base_database_url: str, database: str) -> URL:
    base = make_url(base_database_url)
    if base.get_backend_name() != "postgresql":
        pytest.skip("needs a PostgreSQL DATABASE_URL: only PostgreSQL databases outlive a run")
    return base.set(database=database)


def run_pattern(run_prefix: str) -> str:
    return run_prefix.replace("_", "\\_") + "%"


async def what_a_run_left(base_database_url: str, run_prefix: str) -> dict[str, object]:
    """The databases named after the run, and how many advisory locks on its name are held."""
    async with outside_connection(base_database_url) as connection:
        locks = await connection.scalar(RUN_LOCKS_HELD, {"key": run_prefix})
    databases = await database_names(base_database_url, run_pattern(run_prefix))
    return {"databases": databases, "locks": locks}


async def drop_what_a_run_left(base_database_url: str, run_prefix: str) -> None:
    """So a failing test does not leave databases no later run sweeps (not the kit's prefix)."""
    names = await database_names(base_database_url, run_pattern(run_prefix))
    async with outside_connection(base_database_url) as connection:
        for name in names:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def test_the_last_worker_drops_the_template_even_when_close_returns_early(
    base_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """psycopg's close() returns before the server has ended the session, so a run lock left
    for close to release may still be held when the last worker asks whether it is the last:
    the template then outlived its run. Here every close returns at once and the connections
    really close only after `drop()`, the worst case of that race, every time."""
    base = postgres_base(base_database_url, "meta_finish")
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    monkeypatch.setenv("PYTEST_XDIST_TESTRUNUID", uuid.uuid4().hex)
    databases = PostgresDatabases(base, _no_setup)
    await databases.create()
    closed_late: list[AsyncConnection] = []

    async def close_later(connection: AsyncConnection) -> None:
        closed_late.append(connection)

    try:
        with monkeypatch.context() as patch:
            patch.setattr(AsyncConnection, "close", close_later)
            await databases.drop()
        left = await what_a_run_left(base_database_url, databases.run_prefix)
    finally:
        for connection in closed_late:
            await connection.close()
        await drop_what_a_run_left(base_database_url, databases.run_prefix)

    assert closed_late != []  # the race was really staged
    assert left == {"databases": [], "locks": 0}


RUNS_PER_DRIVER = 4


@pytest.mark.parametrize("driver", ["asyncpg", "psycopg"])
async def test_a_finished_run_leaves_no_database_and_no_lock(
    base_database_url: str, monkeypatch: pytest.MonkeyPatch, driver: str
) -> None:
    """The same on the real drivers, several runs in a row: the race is lost only some of the
    time, so one run proves little (the test above stages it every time)."""
    base = postgres_base(base_database_url, "meta_finish").set(drivername=f"postgresql+{driver}")
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    left = {}
    for attempt in range(RUNS_PER_DRIVER):
        monkeypatch.setenv("PYTEST_XDIST_TESTRUNUID", uuid.uuid4().hex)
        databases = PostgresDatabases(base, _no_setup)
        try:
            await databases.create()
            await databases.drop()
            left[attempt] = await what_a_run_left(base_database_url, databases.run_prefix)
        finally:
            await drop_what_a_run_left(base_database_url, databases.run_prefix)

    assert left == {run: {"databases": [], "locks": 0} for run in range(RUNS_PER_DRIVER)}
