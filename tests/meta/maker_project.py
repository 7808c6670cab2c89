"""Host shape 2 (issue 17): an app built at import whose session dependency yields an
`async_sessionmaker`, its schema from Alembic through an async env.py.

`write_maker_project(root)` writes a small shop project and copies `tests/fixtures/` into it
unchanged; test_kit_is_portable.py runs its tests with `-n 2`. It also shows what such projects
bring: `[tool.pytest.ini_options]` in pyproject.toml instead of pytest.ini, the app's own
`DATABASE_URL` read at import (the kit takes `TEST_DATABASE_URL`), seed rows written by a
migration (which `committed_db` must put back), warnings of the project's own that
`filterwarnings = error` must not turn into failures, and FastAPI's `@pytest.mark.anyio` tests.
"""

import shutil
from pathlib import Path

from tests.meta.portable_project import KIT

# Where the nested workers write down what they saw; the outer test reads it.
SHOP_LOG_ENV = "SHOP_WORKER_LOG"

PYPROJECT = """\
[project]
name = "shop"
version = "0"

[tool.pytest.ini_options]
asyncio_mode = "auto"
asyncio_default_fixture_loop_scope = "session"
asyncio_default_test_loop_scope = "session"
filterwarnings = [
    "error",
    # The project's own deprecation, warned at import: ignored by its exact text, not by a
    # blanket "ignore", so a new warning still fails.
    "ignore:shop.legacy is deprecated:DeprecationWarning",
]
"""

ALEMBIC_INI = """\
[alembic]
script_location = %(here)s/migrations
"""

SETTINGS = '''\
"""The app's settings, read at import; DATABASE_URL is the app's own database."""

import os
import warnings

DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite+aiosqlite:///shop.db")

warnings.warn("shop.legacy is deprecated", DeprecationWarning, stacklevel=1)
'''

MODELS = '''\
"""One table; the house blend is seed data, written by the first migration."""

from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SEED_ITEMS = [{"name": "house blend", "qty": 10}]  # no id: the sequence gives it


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    qty: Mapped[int]
'''

MAIN = '''\
"""The app, its engine and its sessionmaker, all built at import from the settings."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from shop.models import Item
from shop.settings import DATABASE_URL

engine = create_async_engine(DATABASE_URL)
session_factory = async_sessionmaker(engine, expire_on_commit=False)


async def get_sessionmaker() -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    yield session_factory


Maker = Annotated[async_sessionmaker[AsyncSession], Depends(get_sessionmaker)]


class ItemIn(BaseModel):
    name: str
    qty: int


class ItemOut(BaseModel):
    id: int
    name: str
    qty: int


app = FastAPI(title="Shop")


@app.post("/items", status_code=201)
async def add_item(body: ItemIn, maker: Maker) -> ItemOut:
    try:
        async with maker.begin() as session:
            item = Item(name=body.name, qty=body.qty)
            session.add(item)
    except IntegrityError:
        raise HTTPException(409, f"{body.name} exists") from None
    return ItemOut(id=item.id, name=item.name, qty=item.qty)


@app.get("/items")
async def list_items(maker: Maker) -> list[ItemOut]:
    async with maker() as session:
        items = await session.scalars(select(Item).order_by(Item.id))
        return [ItemOut(id=i.id, name=i.name, qty=i.qty) for i in items]
'''

ENV_PY = '''\
"""Alembic's async env.py (alembic init -t async), taking the URL its caller gives."""

import asyncio

from alembic import context
from sqlalchemy import pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import async_engine_from_config

from shop.models import Base
from shop.settings import DATABASE_URL

config = context.config
# A URL given by the caller (the test kit) wins; the app's own setting is the fallback.
if not config.get_main_option("sqlalchemy.url"):
    config.set_main_option("sqlalchemy.url", DATABASE_URL)


def do_run_migrations(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata)
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    connectable = async_engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    async with connectable.connect() as connection:
        await connection.run_sync(do_run_migrations)
    await connectable.dispose()


asyncio.run(run_async_migrations())
'''

MIGRATION = '''\
"""The items table and its seed row."""

import sqlalchemy as sa
from alembic import op

from shop.models import SEED_ITEMS

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    items = op.create_table(
        "items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50), nullable=False, unique=True),
        sa.Column("qty", sa.Integer, nullable=False),
    )
    op.bulk_insert(items, SEED_ITEMS)


def downgrade() -> None:
    op.drop_table("items")
'''

CONFTEST = '''\
"""The kit's wiring for an app built at import whose dependency yields a sessionmaker."""

from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from shop import main
from shop.models import SEED_ITEMS, Item

pytest_plugins = [
    "tests.fixtures.leaks",
    "tests.fixtures.database",
    "tests.fixtures.app",
    "tests.fixtures.committed",
    "tests.fixtures.hypothesis",
    "tests.fixtures.migrations",
]


@pytest.fixture(scope="session")
def alembic_ini() -> Path:
    """tests.fixtures.migrations runs `alembic upgrade head` with it as database_setup."""
    return Path(__file__).parents[1] / "alembic.ini"


@pytest.fixture(scope="session")
def session_dependency() -> Callable[..., Any]:
    return main.get_sessionmaker


@pytest.fixture(scope="session")
def session_dependency_yields() -> str:
    return "sessionmaker"


@pytest.fixture
def app_factory() -> Iterator[Callable[[], FastAPI]]:
    """main.app is built once, at import: each test gets it without overrides set before it."""
    saved = dict(main.app.dependency_overrides)
    main.app.dependency_overrides.clear()
    yield lambda: main.app
    main.app.dependency_overrides.clear()
    main.app.dependency_overrides.update(saved)


@pytest.fixture(scope="session")
def guarded_apps() -> list[FastAPI]:
    return [main.app]


@pytest.fixture(scope="session")
def committed_reseed() -> Callable[[AsyncConnection], Awaitable[None]]:
    """committed_db empties the tables after a test: the migration's seed rows go back in."""

    async def reseed(connection: AsyncConnection) -> None:
        await connection.execute(insert(Item), SEED_ITEMS)

    return reseed
'''

WORKERS = '''\
"""Each worker writes down the database it got; the outer test compares them."""

import os
from pathlib import Path


def record(name: str, text: str) -> None:
    worker = os.environ["PYTEST_XDIST_WORKER"]
    Path(os.environ["SHOP_WORKER_LOG"], f"{worker}.{name}").write_text(text)
'''

TEST_ITEMS = '''\
"""The app's maker.begin() inside the test's transaction (one worker runs this file, in order)."""

from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop.models import Item
from tests.workers import record

HOUSE_BLEND = {"id": 1, "name": "house blend", "qty": 10}


async def test_the_apps_write_is_seen_by_the_test_session(
    client: AsyncClient, db_session: AsyncSession
) -> None:
    created = await client.post("/items", json={"name": "mocha", "qty": 3})
    assert created.status_code == 201, created.text

    assert list(await db_session.scalars(select(Item.name).order_by(Item.id))) == [
        "house blend",
        "mocha",
    ]


async def test_the_last_tests_write_was_rolled_back(client: AsyncClient) -> None:
    assert (await client.get("/items")).json() == [HOUSE_BLEND]


async def test_a_refused_duplicate_keeps_the_tests_earlier_rows(
    client: AsyncClient, db_session: AsyncSession
) -> None:
    db_session.add(Item(name="kept", qty=1))
    await db_session.commit()

    duplicate = await client.post("/items", json={"name": "kept", "qty": 2})
    assert duplicate.status_code == 409, duplicate.text

    listed = await client.get("/items")
    assert [item["name"] for item in listed.json()] == ["house blend", "kept"]


async def test_committed_rows_are_real(
    committed_client: AsyncClient, committed_db: async_sessionmaker[AsyncSession]
) -> None:
    created = await committed_client.post("/items", json={"name": "committed", "qty": 1})
    assert created.status_code == 201, created.text

    async with committed_db() as session:
        names = list(await session.scalars(select(Item.name).order_by(Item.id)))
    assert names == ["house blend", "committed"]


async def test_the_seed_row_is_back_after_the_committed_test(client: AsyncClient) -> None:
    assert (await client.get("/items")).json() == [HOUSE_BLEND]


def test_this_worker_has_a_database_of_its_own(database_url: str) -> None:
    record("database", database_url)
'''

TEST_EXAMPLES = '''\
"""Hypothesis, one transaction per example, and FastAPI's @pytest.mark.anyio style."""

from functools import partial

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from httpx import AsyncClient, Response

from tests.fixtures.hypothesis import PortalExamples
from tests.workers import record

Names = st.text(alphabet="abcdefghij", min_size=1, max_size=8)


def test_every_example_adds_to_the_seed_alone(portal_examples: PortalExamples) -> None:
    @settings(max_examples=5, database=None, deadline=None)
    @given(name=Names)
    def each_example(name: str) -> None:
        with portal_examples.isolated() as example:
            post = partial(example.client.post, "/items", json={"name": name, "qty": 1})
            created: Response = portal_examples.call(post)
            assert created.status_code == 201, created.text
            listed: Response = portal_examples.call(example.client.get, "/items")
            assert [item["name"] for item in listed.json()] == ["house blend", name]

    each_example()


@pytest.mark.anyio
async def test_written_the_fastapi_docs_way(client: AsyncClient) -> None:
    raise AssertionError("anyio ran the kit's session-scoped fixtures on a loop of its own")


async def test_converted_by_dropping_the_anyio_mark(client: AsyncClient) -> None:
    listed = await client.get("/items")
    assert listed.status_code == 200, listed.text


def test_this_worker_has_a_database_of_its_own(database_url: str) -> None:
    record("database", database_url)
'''

TEST_MISCONFIGURED = '''\
"""The host forgets to say its dependency yields a sessionmaker: refused, naming the fixture."""

import pytest
from httpx import AsyncClient


@pytest.fixture(scope="session")
def session_dependency_yields() -> str:
    return "session"


async def test_a_sessionmaker_dependency_given_a_session(client: AsyncClient) -> None:
    raise AssertionError("the kit handed the test session to a sessionmaker dependency")
'''

FILES = {
    "pyproject.toml": PYPROJECT,
    "alembic.ini": ALEMBIC_INI,
    "migrations/env.py": ENV_PY,
    "migrations/versions/0001_items.py": MIGRATION,
    "shop/__init__.py": "",
    "shop/settings.py": SETTINGS,
    "shop/models.py": MODELS,
    "shop/main.py": MAIN,
    "tests/__init__.py": "",
    "tests/conftest.py": CONFTEST,
    "tests/workers.py": WORKERS,
    "tests/test_items.py": TEST_ITEMS,
    "tests/test_examples.py": TEST_EXAMPLES,
    "tests/test_misconfigured.py": TEST_MISCONFIGURED,
}


def write_maker_project(root: Path) -> None:
    """Writes the shop project under `root` and copies the kit to root/tests/fixtures."""
    for relative, text in FILES.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    shutil.copytree(KIT, root / "tests" / "fixtures", ignore=shutil.ignore_patterns("__pycache__"))
