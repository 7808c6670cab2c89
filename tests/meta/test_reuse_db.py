"""Reused databases (tests/fixtures/reuse.py, issue 18): `--reuse-db` keeps the migrated template
between runs and rebuilds it when a schema source changes; `--create-db` rebuilds it anyway.

A tiny project (its schema two SQL files in `schema/`, named by its `schema_sources`) gets the
kit copied in and several pytest runs, `-n 2`, on the database this run uses (SQLite, or
PostgreSQL when DATABASE_URL says so). Its `database_setup` writes a line to a log each time it
runs, and each worker writes down the columns its database has: so the outer test sees how often
the schema was built and whether the workers got the current one.
"""

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import make_url, text

from tests.meta.portable_project import KIT, PYTEST_INI
from tests.meta.support import outside_connection
from tests.meta.test_kit_is_portable import NESTED_TIMEOUT_SECONDS, SUMMARY, outer_environment

CONFTEST = '''\
"""A schema in plain SQL files, built by database_setup, named by schema_sources."""

import os
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

pytest_plugins = ["tests.fixtures.database"]

SCHEMA = Path(__file__).resolve().parents[1] / "schema"


@pytest.fixture(scope="session")
def database_setup() -> Callable[[str], Awaitable[None]]:
    async def apply(url: str) -> None:
        with Path(os.environ["SETUP_LOG"]).open("a") as log:
            log.write(os.environ.get("PYTEST_XDIST_WORKER", "main") + "\\n")
        engine = create_async_engine(url)
        async with engine.begin() as connection:
            for migration in sorted(SCHEMA.glob("*.sql")):
                await connection.exec_driver_sql(migration.read_text())
        await engine.dispose()

    return apply


@pytest.fixture(scope="session")
def schema_sources() -> list[Path]:
    return [SCHEMA]


@pytest.fixture(scope="session")
def session_kind() -> str:
    return "async"
'''

TEST_COLUMNS = """\
import os
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool


async def test_the_database_has_the_schema(database_url: str) -> None:
    engine = create_async_engine(database_url, poolclass=NullPool)
    async with engine.connect() as connection:
        columns = await connection.run_sync(
            lambda sync: [column["name"] for column in inspect(sync).get_columns("notes")]
        )
    await engine.dispose()
    Path(os.environ["SEEN_LOG"], os.environ["PYTEST_XDIST_WORKER"]).write_text(",".join(columns))
"""

FIRST_MIGRATION = "CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR(200) NOT NULL)"
SECOND_MIGRATION = "ALTER TABLE notes ADD COLUMN author VARCHAR(50)"
CACHE = Path(".pytest_cache", "d", "fixture-kit-databases")


def write_reuse_project(root: Path) -> Path:
    project = root / "reuse_project"
    (project / "schema").mkdir(parents=True)
    (project / "schema" / "0001_notes.sql").write_text(FIRST_MIGRATION)
    (project / "pytest.ini").write_text(PYTEST_INI)
    (project / "tests").mkdir()
    (project / "tests" / "__init__.py").write_text("")
    (project / "tests" / "conftest.py").write_text(CONFTEST)
    for name in ("test_one.py", "test_two.py"):  # one file a worker: --dist loadfile
        (project / "tests" / name).write_text(TEST_COLUMNS)
    shutil.copytree(
        KIT, project / "tests" / "fixtures", ignore=shutil.ignore_patterns("__pycache__")
    )
    return project


class Runs:
    """Runs pytest in the project; each run's schema builds and the columns each worker saw."""

    def __init__(self, project: Path, database_url: str) -> None:
        self.project, self.database_url = project, database_url
        self.setup_log, self.seen = project.parent / "setup.log", project.parent / "seen"

    def run(self, *options: str) -> tuple[int, dict[str, str]]:
        """A passing run's schema builds (database_setup calls) and each worker's columns."""
        result = self.pytest(*options)
        output = result.stdout + result.stderr
        assert (result.returncode, "2 passed" in result.stdout) == (0, True), output
        builds = len(self.setup_log.read_text().splitlines())
        return builds, {path.name: path.read_text() for path in sorted(self.seen.iterdir())}

    def pytest(self, *options: str) -> subprocess.CompletedProcess[str]:
        self.setup_log.write_text("")
        shutil.rmtree(self.seen, ignore_errors=True)
        self.seen.mkdir()
        env = outer_environment()
        env.update(
            DATABASE_URL=self.database_url,
            SETUP_LOG=str(self.setup_log),
            SEEN_LOG=str(self.seen),
            PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
        )
        command = [sys.executable, "-m", "pytest", "-p", "pytest_asyncio.plugin"]
        command += ["-p", "xdist.plugin", "-n", "2", "--dist", "loadfile", *options]
        command.append(f"--basetemp={self.project.parent / 'basetemp'}")
        return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
            command,
            cwd=self.project,
            env=env,
            capture_output=True,
            text=True,
            timeout=NESTED_TIMEOUT_SECONDS,
            check=False,
        )


async def kept_templates(project: Path, database_url: str) -> list[str]:
    """The kept templates: SQLite files in the project's pytest cache, or PostgreSQL databases."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return sorted(path.name for path in (project / CACHE).glob("template_*.sqlite3"))
    pattern = f"{url.database}_keep_".replace("_", "\\_") + "%"
    query = text("SELECT datname FROM pg_database WHERE datname LIKE :pattern ORDER BY datname")
    async with outside_connection(url.set(database="postgres").render_as_string(False)) as c:
        return list(await c.scalars(query, {"pattern": pattern}))


async def drop_prefixed_databases(database_url: str) -> None:
    url = make_url(database_url)
    query = text("SELECT datname FROM pg_database WHERE datname LIKE :pattern")
    pattern = f"{url.database}\\_%"
    async with outside_connection(url.set(database="postgres").render_as_string(False)) as c:
        for name in list(await c.scalars(query, {"pattern": pattern})):
            await c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.mark.slow  # seven pytest runs with two workers each
async def test_a_kept_template_is_reused_until_a_schema_source_changes(
    tmp_path: Path, base_database_url: str
) -> None:
    project = write_reuse_project(tmp_path)
    base = make_url(base_database_url)
    postgres = base.get_backend_name() == "postgresql"
    # A base name of its own: the kept templates of this test are never those of real runs.
    database_url = (
        base.set(database=f"meta_reuse_{uuid.uuid4().hex[:8]}").render_as_string(False)
        if postgres
        else "sqlite+aiosqlite://"
    )
    runs = Runs(project, database_url)
    before = {"gw0": "id,body", "gw1": "id,body"}
    after = {"gw0": "id,body,author", "gw1": "id,body,author"}
    try:
        assert runs.run("--reuse-db") == (1, before)  # built once for both workers
        first_kept = await kept_templates(project, database_url)
        migration = project / "schema" / "0001_notes.sql"
        os.utime(migration, (1, 1))  # a new mtime, the same contents
        assert runs.run("--reuse-db") == (0, before)

        (project / "schema" / "0002_author.sql").write_text(SECOND_MIGRATION)
        assert runs.run("--reuse-db") == (1, after)
        second_kept = await kept_templates(project, database_url)
        assert runs.run("--reuse-db") == (0, after)
        assert runs.run("--reuse-db", "--create-db") == (1, after)
        assert runs.run("--reuse-db") == (0, after)
        # Without --reuse-db every run builds as before (a template per run, or a file per
        # worker), and leaves the kept template alone.
        assert runs.run() == (1 if postgres else 2, after)
        assert await kept_templates(project, database_url) == second_kept
    finally:
        if postgres:
            await drop_prefixed_databases(database_url)

    assert (len(first_kept), len(second_kept)) == (1, 1), (first_kept, second_kept)
    assert first_kept != second_kept  # the old hash's template was dropped


def test_reuse_db_without_schema_sources_is_refused(tmp_path: Path) -> None:
    project = write_reuse_project(tmp_path)
    conftest = project / "tests" / "conftest.py"
    conftest.write_text(conftest.read_text().replace("def schema_sources", "def unused_sources"))
    runs = Runs(project, "sqlite+aiosqlite://")

    result = runs.pytest("--reuse-db")

    output = result.stdout + result.stderr
    assert (result.returncode, SUMMARY.findall(result.stdout)[-1:]) == (1, ["2 errors"]), output
    message = (
        "UsageError: --reuse-db keeps the migrated template between runs and rebuilds it when "
        "the schema's source files change, but the fixture schema_sources names none, so a "
        "changed migration would go unseen. Define schema_sources (session scope) returning "
        "your migrations folder and model files, or run without --reuse-db"
    )
    assert message in output, output
