"""What teams met copying the kit into their projects (issue 17), each fixed and held here.

The host shapes themselves are proved by whole nested runs in test_kit_is_portable.py; these
are the pieces: the kit's own database variable, what committed_db leaves, the Alembic helper
refusing an env.py that migrated another database, a template left busy by the schema step,
and every misuse failing with an error that names the kit fixture and the fix.
"""

import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, make_url, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker
from sqlalchemy.pool import NullPool

from app.books.models import Book
from app.users.models import User
from tests.factories import BookFactory, UserFactory
from tests.fixtures import worker_databases
from tests.fixtures.committed import empty_tables
from tests.fixtures.database import kit_database_url, make_engine
from tests.fixtures.errors import KNOWN_ERRORS, explain
from tests.fixtures.makers import KitSessionmaker, checked_yields
from tests.fixtures.migrations import alembic_upgrade_head
from tests.fixtures.worker_databases import PostgresDatabases
from tests.meta.support import outside_connection, run_inner, wire_inner_run
from tests.meta.test_docs import fenced_blocks

pytest_plugins = ["pytester"]

KIT_README = Path(__file__).resolve().parents[1] / "fixtures" / "README.md"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        pytest.param(
            {"TEST_DATABASE_URL": "postgresql+psycopg://kit/t", "DATABASE_URL": "sqlite://app"},
            "postgresql+psycopg://kit/t",
            id="the_kits_own_variable_wins",
        ),
        pytest.param(
            {"DATABASE_URL": "sqlite+aiosqlite:///x"}, "sqlite+aiosqlite:///x", id="fallback"
        ),
        pytest.param({}, "sqlite+aiosqlite://", id="neither"),
    ],
)
def test_the_kit_reads_test_database_url_before_database_url(
    environ: dict[str, str], expected: str
) -> None:
    assert kit_database_url(environ) == expected


class TestCommittedCleanup:
    async def _commit_a_user_and_a_book(self, maker: async_sessionmaker[AsyncSession]) -> None:
        async with maker() as session:
            owner = UserFactory.build(email="seed@example.com")
            session.add(owner)
            await session.flush()
            session.add(BookFactory.build(owner_id=owner.id))
            await session.commit()

    async def _counts(self, database_url: str) -> dict[str, int]:
        async with outside_connection(database_url) as connection:
            users = await connection.scalar(select(func.count()).select_from(User))
            books = await connection.scalar(select(func.count()).select_from(Book))
        return {"users": users or 0, "books": books or 0}

    async def test_kept_tables_are_not_emptied(
        self, committed_db: async_sessionmaker[AsyncSession], database_url: str
    ) -> None:
        await self._commit_a_user_and_a_book(committed_db)
        engine = make_engine(database_url, poolclass=NullPool)
        try:
            await empty_tables(engine, keep={"alembic_version", "users"})
        finally:
            await engine.dispose()

        assert await self._counts(database_url) == {"users": 1, "books": 0}

    async def test_reseed_puts_seed_rows_back_after_the_emptying(
        self, committed_db: async_sessionmaker[AsyncSession], database_url: str
    ) -> None:
        await self._commit_a_user_and_a_book(committed_db)
        seed = UserFactory.build(email="admin@example.com")

        async def reseed(connection: AsyncConnection) -> None:
            session = AsyncSession(bind=connection)  # joins the emptying's transaction
            session.add(seed)
            await session.flush()
            await session.close()

        engine = make_engine(database_url, poolclass=NullPool)
        try:
            await empty_tables(engine, reseed=reseed)
            async with outside_connection(database_url) as connection:
                emails = list(await connection.scalars(select(User.email)))
        finally:
            await engine.dispose()

        assert emails == ["admin@example.com"]

    async def test_a_kept_table_that_does_not_exist_is_refused(
        self, committed_db: async_sessionmaker[AsyncSession], database_url: str
    ) -> None:
        engine = make_engine(database_url, poolclass=NullPool)
        try:
            with pytest.raises(pytest.UsageError, match=r"committed_kept_tables names \['user'\]"):
                await empty_tables(engine, keep={"alembic_version", "user"})
        finally:
            await engine.dispose()


def test_a_session_dependency_given_a_sessionmaker_says_which_fixture_to_change() -> None:
    maker = KitSessionmaker()

    with pytest.raises(AttributeError, match=r"'async_sessionmaker' object has no attribute 'add'"):
        maker.add  # noqa: B018 - the attribute access is what fails

    with pytest.raises(AttributeError, match=r"remove your session_dependency_yields fixture"):
        maker.execute  # noqa: B018


async def annotated_maker() -> async_sessionmaker[AsyncSession]:
    raise AssertionError("never called")


@pytest.mark.parametrize(
    ("yields", "error"),
    [
        pytest.param("session", "Define the fixture session_dependency_yields", id="annotated"),
        pytest.param("maker", "return 'session' or 'sessionmaker'", id="unknown_value"),
    ],
)
def test_a_wrong_session_dependency_yields_is_refused(yields: str, error: str) -> None:
    with pytest.raises(pytest.UsageError, match=re.escape(error)):
        checked_yields(annotated_maker, yields)


def test_every_known_error_gets_its_fix_and_the_readme_lists_them_all() -> None:
    """Each example, as the error it names, is explained (inside an exception group too, as
    the app's task group may raise it); a test's own assertion quoting the text is not."""
    notes = {
        known.example: explain(BaseExceptionGroup("app", [RuntimeError(known.example)]))
        for known in KNOWN_ERRORS
    }
    assert [example for example, note in notes.items() if note is None] == []
    assert explain(AssertionError("'AsyncSession' object is not callable")) is None

    readme = KIT_README.read_text()
    rows = [f"| `{known.example}` | {known.fix} |" for known in KNOWN_ERRORS]
    assert [row for row in rows if row not in readme] == []


ALEMBIC_INI = "[alembic]\nscript_location = %(here)s/migrations\n"
MIGRATION = """\
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table("things", sa.Column("id", sa.Integer, primary_key=True))
"""
ENV_PY = """\
import asyncio

from alembic import context
from sqlalchemy.ext.asyncio import create_async_engine

config = context.config
URL = {url!r} or config.get_main_option("sqlalchemy.url")


def run(connection):
    context.configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


async def main():
    engine = create_async_engine(URL)
    async with engine.connect() as connection:
        await connection.run_sync(run)
        await connection.commit()
    await engine.dispose()


asyncio.run(main())
"""


def alembic_project(root: Path, env_url: str) -> Path:
    """A one-revision Alembic project; env.py migrates `env_url`, or the URL given if empty."""
    (root / "migrations" / "versions").mkdir(parents=True)
    (root / "migrations" / "env.py").write_text(ENV_PY.format(url=env_url))
    (root / "migrations" / "versions" / "0001_things.py").write_text(MIGRATION)
    (root / "alembic.ini").write_text(ALEMBIC_INI)
    return root / "alembic.ini"


async def test_the_alembic_helper_migrates_the_url_it_is_given(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'given.sqlite3'}"
    upgrade = alembic_upgrade_head(alembic_project(tmp_path / "project", env_url=""))

    await upgrade(url)

    async with outside_connection(url) as connection:
        assert list(await connection.scalars(text("SELECT version_num FROM alembic_version"))) == [
            "0001"
        ]


async def test_the_alembic_helper_refuses_an_env_py_that_migrated_another_database(
    tmp_path: Path,
) -> None:
    elsewhere = f"sqlite+aiosqlite:///{tmp_path / 'apps_own.sqlite3'}"
    upgrade = alembic_upgrade_head(alembic_project(tmp_path / "project", env_url=elsewhere))

    with pytest.raises(pytest.UsageError, match=r"your env\.py migrated another database"):
        await upgrade(f"sqlite+aiosqlite:///{tmp_path / 'given.sqlite3'}")


async def test_a_schema_step_leaving_a_connection_on_the_template_is_named(
    base_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = make_url(base_database_url)
    if base.get_backend_name() != "postgresql":
        pytest.skip("needs a PostgreSQL DATABASE_URL: SQLite has no template databases")
    base = base.set(database="meta_busy")
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    monkeypatch.setenv("PYTEST_XDIST_TESTRUNUID", uuid.uuid4().hex)
    monkeypatch.setattr(worker_databases, "TEMPLATE_IDLE_CHECKS", 1)
    left_open: list[AsyncConnection] = []

    async def setup_that_leaves_a_connection(url: str) -> None:
        engine = make_engine(url, poolclass=NullPool)
        left_open.append(await engine.connect())

    databases = PostgresDatabases(base, setup_that_leaves_a_connection)
    try:
        with pytest.raises(pytest.UsageError, match="database_setup left 1 connection"):
            await databases.create()
    finally:
        for connection in left_open:
            await connection.close()
        await databases.drop()
    async with outside_connection(base_database_url) as connection:
        names = await connection.scalars(
            text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
            {"p": databases.run_prefix.replace("_", "\\_") + "%"},
        )
        assert list(names) == []


def test_the_readme_shows_pytest_ini_and_pyproject_forms() -> None:
    languages = {block.language for block in fenced_blocks(KIT_README.read_text())}
    assert {"ini", "toml"} <= languages


RAISES_A_KNOWN_ERROR = """
import pytest
from sqlalchemy.exc import InvalidRequestError


@pytest.fixture
def begun() -> None:
    raise InvalidRequestError("A transaction is already begun on this Session.")


def test_calls_the_session_as_a_maker() -> None:
    raise TypeError("'AsyncSession' object is not callable")


def test_meets_a_begun_session(begun: None) -> None:
    pass
"""


def test_the_kit_notes_the_fix_under_a_known_error_in_a_test_or_its_setup(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    wire_inner_run(pytester, monkeypatch)
    pytester.makepyfile(test_known=RAISES_A_KNOWN_ERROR)

    result = run_inner(pytester, "test_known.py")

    result.assert_outcomes(failed=1, errors=1)
    output = result.stdout.str()
    for known in KNOWN_ERRORS[:2]:
        assert f"The fixture kit: {known.fix}. See 'Common errors' in" in output, output
