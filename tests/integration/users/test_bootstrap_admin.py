"""The bootstrap admin: made at start-up from ADMIN_EMAIL/ADMIN_PASSWORD, once."""

import asyncio
import shutil
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from app.core.config import Settings
from app.core.security import build_passwords
from app.main import create_app
from app.migrations import upgrade_to_head
from app.users.models import User
from app.users.service import ensure_admin
from tests.fixtures.app import BASE_URL
from tests.support.data import CreateUser
from tests.support.payloads.users import RECENT_UTC_TIMESTAMP
from tests.support.races import racing_session_class

ADMIN_PASSWORD = "bootstrap admin password"


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="module")
async def migrated_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per module; each test gets its own copy."""
    path = tmp_path_factory.mktemp("bootstrap") / "migrated.sqlite3"
    await asyncio.to_thread(upgrade_to_head, sqlite_url(path))
    return path


@pytest.fixture
def own_database_url(migrated_file: Path, tmp_path: Path) -> str:
    """A database of this test's own: the lifespan commits through the app's own engine,
    so it must not write into the worker's shared test database."""
    path = tmp_path / "app.sqlite3"
    shutil.copyfile(migrated_file, path)
    return sqlite_url(path)


async def stored_users(url: str) -> list[tuple[str, str]]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(select(User.email, User.role).order_by(User.id))
            return [(email, role) for email, role in rows]
    finally:
        await engine.dispose()


async def start_and_stop(settings: Settings) -> None:
    async with LifespanManager(create_app(settings)):
        pass


class TestBootstrapAtStartUp:
    async def test_admin_is_created_once_over_two_starts_and_can_log_in(
        self, settings: Settings, own_database_url: str
    ) -> None:
        bootstrap = settings.model_copy(
            update={
                "database_url": own_database_url,
                "admin_email": "Boss@Example.com",
                "admin_password": SecretStr(ADMIN_PASSWORD),
            }
        )

        await start_and_stop(bootstrap)
        await start_and_stop(bootstrap)

        async with (
            LifespanManager(create_app(bootstrap)) as manager,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=manager.app), base_url=BASE_URL
            ) as client,
        ):
            login = await client.post(
                "/auth/login", json={"email": "boss@example.com", "password": ADMIN_PASSWORD}
            )
            assert login.status_code == 200, login.text
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            me = await client.get("/users/me", headers=headers)
        assert me.status_code == 200, me.text
        assert me.json() == {
            "id": 1,
            "name": "Administrator",
            "email": "boss@example.com",
            "role": "admin",
            "is_active": True,
            "created_at": RECENT_UTC_TIMESTAMP,
        }
        assert await stored_users(own_database_url) == [("boss@example.com", "admin")]

    @pytest.mark.parametrize(
        "update",
        [
            pytest.param({"admin_email": "boss@example.com"}, id="email_only"),
            pytest.param({"admin_password": SecretStr(ADMIN_PASSWORD)}, id="password_only"),
        ],
    )
    async def test_nothing_is_created_unless_both_settings_are_set(
        self, settings: Settings, own_database_url: str, update: dict[str, object]
    ) -> None:
        await start_and_stop(
            settings.model_copy(update={"database_url": own_database_url, **update})
        )

        assert await stored_users(own_database_url) == []


class TestEnsureAdmin:
    async def test_creates_the_admin_then_reports_it_exists(
        self, db_session: AsyncSession, settings: Settings
    ) -> None:
        passwords = build_passwords(settings)

        first = await ensure_admin(
            db_session, passwords, email="Boss@Example.com", password=ADMIN_PASSWORD
        )
        second = await ensure_admin(
            db_session, passwords, email="boss@example.com", password="another password"
        )

        assert (first, second) == (True, False)
        admins = (await db_session.scalars(select(User))).all()
        assert [(u.name, u.email, u.role) for u in admins] == [
            ("Administrator", "boss@example.com", "admin")
        ]
        assert await passwords.verify(ADMIN_PASSWORD, admins[0].password_hash)

    async def test_existing_customer_with_that_email_is_not_promoted(
        self, db_session: AsyncSession, settings: Settings, create_user: CreateUser
    ) -> None:
        await create_user(email="boss@example.com")

        created = await ensure_admin(
            db_session, build_passwords(settings), email="BOSS@example.com", password=ADMIN_PASSWORD
        )

        assert created is False
        rows = await db_session.execute(select(User.email, User.role))
        assert rows.all() == [("boss@example.com", "customer")]

    async def test_of_two_workers_racing_one_creates_the_admin_and_the_other_backs_off(
        self, committed_db: async_sessionmaker[AsyncSession], settings: Settings
    ) -> None:
        passwords = build_passwords(settings)

        async def start_worker() -> bool:
            async with committed_db() as session:
                return await ensure_admin(
                    session, passwords, email="boss@example.com", password=ADMIN_PASSWORD
                )

        # Both look the email up before either commits: both go on to insert, one insert loses.
        committed_db.class_ = racing_session_class(parties=2, meet_at_commit=True)
        try:
            created = await asyncio.gather(start_worker(), start_worker())
        finally:
            committed_db.class_ = AsyncSession

        assert sorted(created) == [False, True]
        async with committed_db() as session:
            rows = await session.execute(select(User.email, User.role))
            assert rows.all() == [("boss@example.com", "admin")]
