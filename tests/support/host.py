"""This project's side of the fixture kit: how to build the bookstore app and its schema."""

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app import main
from app.core.config import Environment, Settings, get_settings
from app.core.db import SessionDep, create_engine, get_session
from app.core.reads import Reads, get_reads
from app.core.security import TokenType, create_token
from app.migrations import upgrade_to_head
from app.notifications.mailer import get_mailer
from app.users.models import User
from tests.factories import UserFactory, persist
from tests.fixtures.app import DatabaseOverrides, SessionProvider
from tests.fixtures.auth import Principal
from tests.fixtures.mail import MailAccess
from tests.fixtures.queries import record_statement
from tests.fixtures.settings import SettingsAccess

TEST_SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdef"


@pytest.fixture(scope="session")
def database_setup() -> Callable[[str], Any]:
    async def migrate(url: str) -> None:
        await asyncio.to_thread(upgrade_to_head, url)

    return migrate


def engine_settings(database_url: str) -> Settings:
    """The settings production's engine factory reads, on `database_url`: the pool size and
    echo come from the environment as they would in production."""
    return Settings(
        _env_file=None,
        environment=Environment.TEST,
        database_url=database_url,
        secret_key=SecretStr(TEST_SECRET_KEY),
    )


PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def schema_sources() -> list[Path]:
    """What the migrated schema is made from: `--reuse-db` keeps the template while these
    files' contents are unchanged (tests.fixtures.reuse)."""
    alembic = PROJECT / "alembic"
    models = sorted((PROJECT / "app").glob("**/models.py"))
    return [alembic / "env.py", alembic / "versions", *models]


@pytest.fixture(scope="session")
def engine_factory() -> Callable[[str], AsyncEngine]:
    """Production's own engines (`app.core.db.create_engine`) on the test's database: the
    isolation level, pool, SQLite recipe and functions the app runs with are the ones the tests
    run with (issue 21; docs/wiring.md)."""

    def make(url: str) -> AsyncEngine:
        return create_engine(engine_settings(url))

    return make


@pytest.fixture(scope="session")
def session_dependency() -> Callable[..., Any]:
    return get_session


async def reads_on_the_session(session: SessionDep) -> Reads:
    """The read path on the session the test's app has: the kit's, or the test's own override
    of `get_session` (a broken database reaches the read path too, as it would in production).
    Its statements on the bare asyncpg connection count in the kit's query budgets."""
    return Reads.on_session(session, on_driver_statement=record_statement)


@pytest.fixture(scope="session")
def database_overrides() -> DatabaseOverrides:
    """The session, and the read path, which in production reads on an engine of its own."""

    def on(sessions: SessionProvider) -> dict[Callable[..., Any], Callable[..., Any]]:
        return {get_session: sessions, get_reads: reads_on_the_session}

    return on


FORGOTTEN_OVERRIDE_DATABASE = "forgotten_session_override"


def unreachable_database_url(database_url: str) -> str:
    """The same backend as `database_url`, but a database that does not exist.

    The app under test gets this as its own database: every request must reach the database
    through a dependency the kit overrides (`database_overrides`). A request that bypasses them
    (a new fixture forgetting an override, a dependency reaching the database that is missing
    from `database_overrides`) fails loudly instead of quietly reading and writing outside the
    test's rolled-back transaction.
    """
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return url.set(
            database=f"/nonexistent/{FORGOTTEN_OVERRIDE_DATABASE}.sqlite3"
        ).render_as_string()
    return url.set(database=FORGOTTEN_OVERRIDE_DATABASE).render_as_string(hide_password=False)


def unreachable_database_error(database_url: str) -> str:
    """What the driver says when a request reaches `unreachable_database_url(database_url)`."""
    if make_url(database_url).get_backend_name() == "sqlite":
        return "unable to open database file"
    return f'database "{FORGOTTEN_OVERRIDE_DATABASE}" does not exist'


@pytest.fixture(scope="session")
def worker_settings(database_url: str) -> Settings:
    """Test settings, read from the environment once per worker (pydantic-settings reads every
    variable on each construction); no Redis unless a test asks (an exported REDIS_URL must not
    leak in), and an app database no request can reach without the kit's overrides (see
    `unreachable_database_url`)."""
    return Settings(
        _env_file=None,
        environment=Environment.TEST,
        database_url=unreachable_database_url(database_url),
        secret_key=SecretStr(TEST_SECRET_KEY),
        redis_url=None,
        upload_dir=UPLOAD_DIR_PER_TEST,
    )


UPLOAD_DIR_PER_TEST = "set-by-the-settings-fixture"


@pytest.fixture
def settings(worker_settings: Settings, tmp_path: Path) -> Settings:
    """The test's own copy of `worker_settings` (a test may change it), with an upload
    directory of its own."""
    return worker_settings.model_copy(update={"upload_dir": str(tmp_path / "uploads")}, deep=True)


@pytest.fixture
def app_factory(settings: Settings) -> Callable[[], FastAPI]:
    return lambda: main.create_app(settings)


@pytest.fixture(scope="session")
def guarded_apps() -> list[FastAPI]:
    return [main.app]


@pytest.fixture(scope="session")
def database_blocker_paths() -> list[Path]:
    """The unit layer reaches no database: a test there that connects fails, naming the kit's
    fixtures to request (tests.fixtures.blocker)."""
    return [Path(__file__).parents[1] / "unit"]


@pytest.fixture(scope="session")
def settings_access() -> SettingsAccess:
    """`create_app` keeps its settings in app.state.settings; routes read them through
    `get_settings` (tests.fixtures.settings: `settings_override`)."""
    return SettingsAccess(state_attribute="settings", dependency=get_settings)


@pytest.fixture(scope="session")
def mail_access() -> MailAccess:
    """Routes get the mailer through `get_mailer` and await its `send(mail)`
    (tests.fixtures.mail: `mail_outbox`)."""
    return MailAccess(dependency=get_mailer, method="send", is_async=True)


def bearer_headers(settings: Settings, user: User) -> dict[str, str]:
    token = create_token(
        settings,
        subject=user.id,
        role=user.role,
        token_type=TokenType.ACCESS,
        now=datetime.now(UTC),
    )
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def make_principal(db_session: AsyncSession, settings: Settings) -> Callable[[str], Any]:
    """anonymous; customer, owner, other (distinct customers); admin. Tokens minted directly."""

    async def make(name: str) -> Principal:
        if name == "anonymous":
            return Principal(name)
        if name not in {"customer", "owner", "other", "admin"}:
            raise pytest.UsageError(f"unknown principal {name!r}")
        user = await persist(db_session, UserFactory, admin=name == "admin")
        return Principal(name, headers=bearer_headers(settings, user), user=user)

    return make
