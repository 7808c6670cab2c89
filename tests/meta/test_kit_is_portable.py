"""The kit works in someone else's project: copied unchanged, configured by a conftest only.

A tiny notes app (tests/meta/portable_project.py) gets `tests/fixtures/` copied in and its own
pytest run, `-n 2`, on the database this run uses (SQLite, or PostgreSQL when DATABASE_URL says
so). Its tests prove rollback isolation, both clients, the override fixture, the leak guard
(one test leaks on purpose: its teardown must error), a database per worker, and that with only
a session dependency the kit's default `database_overrides` is all it needs.

A second project is shaped like FastAPI's SQL tutorial (issue 22): its app is built at import,
its old tests override that app at import, the kit lives in sql_app/tests/fixtures/, and httpx2
is not importable. It runs the README's recipe for a module-level app, and shows the errors a
project gets without the recipe, or asking for `sync_client` without httpx2.

A shop project (tests/meta/maker_project.py, issue 17) is host shape 2: the app built at import,
its dependency yielding an async_sessionmaker, the schema from Alembic's async env.py, settings
in pyproject.toml, the kit's TEST_DATABASE_URL beside the app's own DATABASE_URL, and psycopg 3
on PostgreSQL.
"""

import filecmp
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import make_url, text

from tests.meta.maker_project import SHOP_LOG_ENV, write_maker_project
from tests.meta.portable_project import (
    CONFTEST,
    KIT,
    PYTEST_INI,
    TUTORIAL_KIT,
    WORKER_LOG_ENV,
    write_project,
    write_tutorial_project,
)
from tests.meta.portable_sync_project import SYNC_CONFTEST, write_sync_project
from tests.meta.support import ROOT, outside_connection
from tests.meta.test_docs import fenced_blocks

NESTED_TIMEOUT_SECONDS = 180
SUMMARY = re.compile(r"^=+ (?P<counts>.+) in [\d.]+s(?: \([\d:]+\))? =+$", re.MULTILINE)

# Variables of this run that must not reach the nested one: xdist's worker identity (the nested
# run would take this worker's database names), coverage's subprocess hook (its configuration is
# this repository's), and the kit's own database variable (it wins over the DATABASE_URL each
# nested run is given).
OUTER_ONLY = ("COVERAGE_PROCESS_", "PYTEST_ADDOPTS", "PYTEST_XDIST_", "TEST_DATABASE_URL")


def outer_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(OUTER_ONLY)}


def nested_environment(database_url: str, worker_log: Path) -> dict[str, str]:
    env = outer_environment()
    env["DATABASE_URL"] = database_url
    env[WORKER_LOG_ENV] = str(worker_log)
    # Only the plugins a fresh project installs for the kit (run_nested_pytest loads them).
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    return env


def run_nested_pytest(
    project: Path, env: dict[str, str], *plugins: str
) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "pytest",
        *(argument for plugin in plugins for argument in ("-p", plugin)),
        "-p",
        "pytest_asyncio.plugin",
        "-p",
        "xdist.plugin",
        "-n",
        "2",
        "--dist",
        "loadfile",  # a file runs on one worker, in order: what the isolation tests rely on
        "-p",
        "no:cacheprovider",
        f"--basetemp={project.parent / 'basetemp'}",
    ]
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        command,
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=NESTED_TIMEOUT_SECONDS,
        check=False,
    )


def database_names_by_worker(base_database_url: str, urls: dict[str, str]) -> dict[str, str]:
    """Each worker's SQLite file name, or its PostgreSQL database name after `<base>_t_`."""
    base = make_url(base_database_url)
    names: dict[str, str] = {}
    for worker, url in urls.items():
        database = make_url(url).database or ""
        if base.get_backend_name() == "sqlite":
            names[worker] = Path(database).name
        else:
            names[worker] = database.removeprefix(f"{base.database}_t_")
    return names


async def existing_databases(base_database_url: str, names: list[str]) -> list[str]:
    query = text("SELECT datname FROM pg_database WHERE datname = ANY(:names) ORDER BY datname")
    async with outside_connection(base_database_url) as connection:
        return list(await connection.scalars(query, {"names": names}))


@pytest.mark.slow  # a whole pytest run with two workers: 10-20 s
async def test_the_kit_copied_into_a_notes_project_passes_its_tests_there(
    tmp_path: Path, base_database_url: str
) -> None:
    project, worker_log = tmp_path / "notes_project", tmp_path / "workers"
    worker_log.mkdir()
    write_project(project)
    copied = filecmp.dircmp(KIT, project / "tests" / "fixtures", ignore=["__pycache__"])
    assert (copied.left_only, copied.right_only, copied.diff_files) == ([], [], [])

    result = run_nested_pytest(project, nested_environment(base_database_url, worker_log))

    output = result.stdout + result.stderr
    summaries = SUMMARY.findall(result.stdout)
    assert (result.returncode, summaries[-1:]) == (1, ["14 passed, 1 error"]), output
    assert "ERROR at teardown of test_leaves_an_override_on_the_module_app" in output, output
    assert "- dependency_overrides leaked on 'Notes'" in output, output

    urls = {path.name: path.read_text() for path in sorted(worker_log.iterdir())}
    assert sorted(urls) == ["gw0", "gw1"], output
    names = database_names_by_worker(base_database_url, urls)
    if make_url(base_database_url).get_backend_name() == "sqlite":
        assert names == {"gw0": "test_gw0.sqlite3", "gw1": "test_gw1.sqlite3"}
        assert len(set(urls.values())) == 2, urls  # two files, not one path twice
        return
    run = names["gw0"].split("_")[0]  # the nested run's id, shared by its workers
    assert names == {"gw0": f"{run}_gw0", "gw1": f"{run}_gw1"}
    assert re.fullmatch("[0-9a-f]{8}", run), run
    base = make_url(base_database_url).database
    created = [f"{base}_t_{name}" for name in (*names.values(), f"{run}_tpl")]
    assert await existing_databases(base_database_url, created) == [], "the run left them"


@pytest.mark.slow  # a whole pytest run with two workers
async def test_the_kit_serves_a_tutorial_shaped_project_through_the_readmes_recipe(
    tmp_path: Path, base_database_url: str
) -> None:
    project = tmp_path / "tutorial_project"
    write_tutorial_project(project)
    copied = filecmp.dircmp(KIT, project / TUTORIAL_KIT, ignore=["__pycache__"])
    assert (copied.left_only, copied.right_only, copied.diff_files) == ([], [], [])

    # no_httpx2 first: the kit must load in a project that cannot import httpx2.
    env = nested_environment(base_database_url, tmp_path / "workers")
    result = run_nested_pytest(project, env, "no_httpx2")

    output = result.stdout + result.stderr
    assert (result.returncode, SUMMARY.findall(result.stdout)[-1:]) == (
        1,
        ["5 passed, 3 errors"],
    ), output
    errors = sorted(re.findall(r"^_+ (ERROR at \w+ of \w+) _+$", result.stdout, re.MULTILINE))
    assert errors == [
        "ERROR at setup of test_a_bare_module_app_factory_is_refused",
        "ERROR at setup of test_asks_for_sync_client_without_httpx2",
        "ERROR at teardown of test_resets_the_overrides_at_its_end",
    ], output
    readme = project / TUTORIAL_KIT / "README.md"
    for message in (
        "UsageError: app_factory() returned 'Tutorial notes' with dependency_overrides already "
        "set (get_db -> override_get_db): they were set before this test started",
        f"the recipe 'A module-level app' in {readme}",
        "- dependency_overrides leaked on 'Tutorial notes'",
        "it had overrides before this test started (get_db -> override_get_db)",
        "UsageError: sync_client needs Starlette's TestClient, which needs httpx2",
    ):
        assert message in output, (message, output)


IMPORT_THE_KIT = """
import sys
import warnings

warnings.simplefilter("error")
sys.modules["httpx2"] = None  # as if it were not installed
import tests.fixtures.app, tests.fixtures.auth, tests.fixtures.committed, tests.fixtures.database
import tests.fixtures.hypothesis

print(sorted(name for name in sys.modules if name.startswith("starlette.testclient")))
"""


def test_importing_the_kit_needs_neither_httpx2_nor_starlettes_test_client() -> None:
    """Only `sync_client` needs httpx2 (Starlette's TestClient warns without it, an error under
    filterwarnings = error), so a project that never uses it can do without."""
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", IMPORT_THE_KIT],
        cwd=ROOT,
        env=outer_environment(),
        capture_output=True,
        text=True,
        timeout=NESTED_TIMEOUT_SECONDS,
        check=False,
    )

    assert (result.returncode, result.stdout, result.stderr) == (0, "[]\n", "")


def test_the_readme_prints_the_notes_projects_pytest_ini_and_conftest_whole() -> None:
    """test_docs finds each README block in its file; these two must be the whole file, so the
    README prints exactly what the portability test runs."""
    printed = [block.text for block in fenced_blocks((KIT / "README.md").read_text())]
    files = {"pytest.ini": PYTEST_INI, "tests/conftest.py": CONFTEST}
    assert [name for name, text in files.items() if text.rstrip("\n") not in printed] == []


def sync_driver_url(base_database_url: str) -> str:
    """The same database through a sync driver: sqlite3, or psycopg 3 for PostgreSQL."""
    url = make_url(base_database_url)
    driver = "sqlite" if url.get_backend_name() == "sqlite" else "postgresql+psycopg"
    return url.set(drivername=driver).render_as_string(hide_password=False)


@pytest.mark.slow  # a whole pytest run with two workers
async def test_the_kit_serves_a_project_on_a_sync_session(
    tmp_path: Path, base_database_url: str
) -> None:
    """Host shape 3 (issue 17): def endpoints, a dependency yielding a sync Session, sqlite3
    or psycopg 3; the conftest says `session_kind` "sync" and nothing else changes."""
    project, worker_log = tmp_path / "sync_project", tmp_path / "workers"
    worker_log.mkdir()
    write_sync_project(project)
    copied = filecmp.dircmp(KIT, project / "tests" / "fixtures", ignore=["__pycache__"])
    assert (copied.left_only, copied.right_only, copied.diff_files) == ([], [], [])
    url = sync_driver_url(base_database_url)

    result = run_nested_pytest(project, nested_environment(url, worker_log))

    output = result.stdout + result.stderr
    assert (result.returncode, SUMMARY.findall(result.stdout)[-1:]) == (0, ["16 passed"]), output
    urls = {path.name: path.read_text() for path in sorted(worker_log.iterdir())}
    assert sorted(urls) == ["gw0", "gw1"], output
    assert {make_url(u).drivername for u in urls.values()} == {make_url(url).drivername}
    names = database_names_by_worker(url, urls)
    assert len(set(names.values())) == 2, names
    if make_url(url).get_backend_name() == "postgresql":
        run = names["gw0"].split("_")[0]
        created = [f"{make_url(url).database}_t_{name}" for name in (*names.values(), f"{run}_tpl")]
        assert await existing_databases(base_database_url, created) == [], "the run left them"


@pytest.mark.slow  # a whole pytest run with two workers
def test_a_sync_project_without_session_kind_is_told_to_define_it(
    tmp_path: Path, base_database_url: str
) -> None:
    """Without `session_kind`, the kit would hand the sync app an AsyncSession: every test
    errors at setup instead, naming the fixture and the README's recipe."""
    project = tmp_path / "sync_project"
    write_sync_project(project)
    conftest = project / "tests" / "conftest.py"
    start = SYNC_CONFTEST.index('@pytest.fixture(scope="session")\ndef session_kind')
    end = SYNC_CONFTEST.index('@pytest.fixture(scope="session")\ndef database_setup')
    conftest.write_text(SYNC_CONFTEST[:start] + SYNC_CONFTEST[end:])
    env = nested_environment(sync_driver_url(base_database_url), tmp_path / "workers")

    result = run_nested_pytest(project, env)

    output = result.stdout + result.stderr
    assert (result.returncode, SUMMARY.findall(result.stdout)[-1:]) == (1, ["16 errors"]), output
    readme = project / "tests" / "fixtures" / "README.md"
    told = f"fixture session_kind returning 'sync' (the recipe 'A sync Session' in {readme})"
    assert told in output, output
    assert "AsyncSession' object has no attribute" not in output, output


def test_the_readme_prints_the_sync_projects_conftest_whole() -> None:
    printed = [block.text for block in fenced_blocks((KIT / "README.md").read_text())]
    assert SYNC_CONFTEST.rstrip("\n") in printed


@pytest.mark.slow  # a whole pytest run with two workers
async def test_the_kit_serves_an_import_time_app_whose_dependency_yields_a_sessionmaker(
    tmp_path: Path, base_database_url: str
) -> None:
    """Host shape 2 (issue 17): maker.begin() inside the test's transaction, the schema from
    Alembic's async env.py, the kit's TEST_DATABASE_URL beside the app's own DATABASE_URL
    (never reached: no file appears there), [tool.pytest.ini_options], seed rows restored after
    committed_db, Hypothesis and @pytest.mark.anyio tests; on PostgreSQL through psycopg 3."""
    project, worker_log = tmp_path / "shop_project", tmp_path / "workers"
    worker_log.mkdir()
    write_maker_project(project)
    copied = filecmp.dircmp(KIT, project / "tests" / "fixtures", ignore=["__pycache__"])
    assert (copied.left_only, copied.right_only, copied.diff_files) == ([], [], [])
    kit_url = make_url(base_database_url)
    if kit_url.get_backend_name() == "postgresql":
        kit_url = kit_url.set(drivername="postgresql+psycopg")
    apps_own = tmp_path / "apps_own.sqlite3"
    env = outer_environment()
    env |= {
        "TEST_DATABASE_URL": kit_url.render_as_string(hide_password=False),
        "DATABASE_URL": f"sqlite+aiosqlite:///{apps_own}",
        SHOP_LOG_ENV: str(worker_log),
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
    }

    result = run_nested_pytest(project, env, "anyio")

    output = result.stdout + result.stderr
    assert (result.returncode, SUMMARY.findall(result.stdout)[-1:]) == (
        1,
        ["9 passed, 2 errors"],
    ), output
    errors = sorted(re.findall(r"^_+ (ERROR at \w+ of \S+) _+$", result.stdout, re.MULTILINE))
    assert errors == [
        "ERROR at setup of test_a_sessionmaker_dependency_given_a_session",
        "ERROR at setup of test_written_the_fastapi_docs_way[asyncio]",
    ], output
    assert (
        "UsageError: test_written_the_fastapi_docs_way[asyncio] is marked @pytest.mark.anyio "
        "and uses the kit's database fixtures. The fixture kit: anyio runs"
    ) in output, output
    assert (
        "UsageError: session_dependency get_sessionmaker gives a sessionmaker (its return "
        "annotation says so), but the kit would hand it the test's AsyncSession"
    ) in output, output
    assert "Define the fixture session_dependency_yields returning 'sessionmaker'" in output
    assert not apps_own.exists(), "a request or the migration reached the app's own database"
    urls = {path.name: path.read_text() for path in sorted(worker_log.iterdir())}
    assert sorted(urls) == ["gw0.database", "gw1.database"], output
    assert len(set(urls.values())) == 2, urls
    assert {make_url(url).drivername for url in urls.values()} == {kit_url.drivername}
