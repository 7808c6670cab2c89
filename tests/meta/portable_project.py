"""Tiny projects that are not the bookstore: the readers who copy the kit.

`write_project(root)` writes a notes project with an app factory and copies `tests/fixtures/`
into it unchanged; `write_tutorial_project(root)` writes one shaped like FastAPI's SQL tutorial
(the app built at import, old tests that override it at import, the kit in sql_app/tests/, no
httpx2). The tests in test_kit_is_portable.py run pytest there. Their conftests define only the
kit's configuration fixtures, exactly as tests/fixtures/README.md tells a newcomer to (the
README prints the notes project's pytest.ini and conftest whole, and the tutorial's recipe).
"""

import shutil
from pathlib import Path

KIT = Path(__file__).resolve().parents[1] / "fixtures"

# The environment variable naming the folder where each nested worker writes its database URL.
WORKER_LOG_ENV = "NOTES_WORKER_LOG"

PYTEST_INI = """\
[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = session
asyncio_default_test_loop_scope = session
markers =
    auth(*principals): run the test once per principal
filterwarnings =
    error
"""

NOTES_APP = '''\
"""Notes: one model, its own session dependency, its schema made by metadata.create_all."""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from pydantic import BaseModel
from sqlalchemy import String, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(200))
    author: Mapped[str] = mapped_column(String(50))


class NoteIn(BaseModel):
    text: str


class NoteOut(BaseModel):
    id: int
    text: str
    author: str


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.sessionmaker() as session:
        yield session


def get_author() -> str:
    return "anonymous"


SessionDep = Annotated[AsyncSession, Depends(get_session)]
AuthorDep = Annotated[str, Depends(get_author)]


def create_app(database_url: str) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_async_engine(database_url)
        app.state.sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
        app.state.started = True
        yield
        await engine.dispose()

    app = FastAPI(title="Notes", lifespan=lifespan)

    @app.post("/notes", status_code=201)
    async def add_note(body: NoteIn, session: SessionDep, author: AuthorDep) -> NoteOut:
        note = Note(text=body.text, author=author)
        session.add(note)
        await session.commit()
        return NoteOut(id=note.id, text=note.text, author=note.author)

    @app.get("/notes")
    async def list_notes(session: SessionDep) -> list[NoteOut]:
        notes = await session.scalars(select(Note).order_by(Note.id))
        return [NoteOut(id=n.id, text=n.text, author=n.author) for n in notes]

    @app.get("/health")
    async def health(request: Request) -> dict[str, bool]:
        return {"started": getattr(request.app.state, "started", False)}

    return app


app = create_app(os.environ.get("NOTES_DATABASE_URL", "sqlite+aiosqlite:///notes.db"))
'''

CONFTEST = '''\
"""The kit's wiring and its configuration: how to build this app and its schema."""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import create_async_engine

import notes

# Import nothing from tests.fixtures here: a module imported before pytest_plugins loads it
# escapes assertion rewriting (PytestAssertRewriteWarning, an error under filterwarnings=error).
pytest_plugins = [
    "tests.fixtures.leaks",  # first: it looks after every other fixture is torn down
    "tests.fixtures.database",
    "tests.fixtures.app",
    "tests.fixtures.auth",
    "tests.fixtures.committed",
    "tests.fixtures.hypothesis",  # needs Hypothesis: drop it if you do not use it
    "tests.fixtures.queries",
    "tests.fixtures.blocker",
    "tests.fixtures.settings",
    "tests.fixtures.mail",
    "tests.fixtures.loops",
    "tests.fixtures.live",  # needs uvicorn: drop it if you do not use it
    "tests.fixtures.scoped",
]


@pytest.fixture(scope="session")
def database_setup() -> Callable[[str], Awaitable[None]]:
    """Builds the schema on a URL (this project has no migrations)."""

    async def create_all(url: str) -> None:
        engine = create_async_engine(url)
        async with engine.begin() as connection:
            await connection.run_sync(notes.Base.metadata.create_all)
        await engine.dispose()

    return create_all


@pytest.fixture(scope="session")
def session_dependency() -> Callable[..., Any]:
    return notes.get_session


@pytest.fixture
def app_factory(database_url: str) -> Callable[[], FastAPI]:
    return lambda: notes.create_app(database_url)


@pytest.fixture(scope="session")
def guarded_apps() -> list[FastAPI]:
    return [notes.app]
'''

WORKERS = '''\
"""Each worker writes down the database it got; the outer test compares them."""

import os
from pathlib import Path


def record_database(database_url: str) -> None:
    worker = os.environ["PYTEST_XDIST_WORKER"]
    Path(os.environ["NOTES_WORKER_LOG"], worker).write_text(database_url)
'''

TEST_NOTES = '''\
"""Rollback isolation and both clients (this file runs on one worker: --dist loadfile)."""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from notes import Note, get_session
from tests.workers import record_database


def test_the_kit_overrides_the_session_dependency_alone(app: FastAPI) -> None:
    assert list(app.dependency_overrides) == [get_session]


async def test_the_async_clients_note_is_the_only_one(client: AsyncClient) -> None:
    created = await client.post("/notes", json={"text": "async"})
    assert created.status_code == 201, created.text

    listed = await client.get("/notes")
    assert listed.json() == [{"id": created.json()["id"], "text": "async", "author": "anonymous"}]


def test_the_sync_clients_note_is_the_only_one(sync_client: TestClient) -> None:
    created = sync_client.post("/notes", json={"text": "sync"})
    assert created.status_code == 201, created.text

    listed = sync_client.get("/notes")
    assert listed.json() == [{"id": created.json()["id"], "text": "sync", "author": "anonymous"}]


async def test_the_test_session_sees_what_the_app_committed(
    client: AsyncClient, db_session: AsyncSession
) -> None:
    created = await client.post("/notes", json={"text": "shared"})
    assert created.status_code == 201, created.text

    assert list(await db_session.scalars(select(Note.text))) == ["shared"]


async def test_the_client_runs_the_lifespan(client: AsyncClient) -> None:
    assert (await client.get("/health")).json() == {"started": True}


def test_this_worker_has_a_database_of_its_own(database_url: str) -> None:
    record_database(database_url)
'''

TEST_OVERRIDES = '''\
"""The override fixture, and the guard that fails a test leaking an override."""

from httpx import AsyncClient

import notes
from tests.fixtures.app import Overrides
from tests.workers import record_database


async def test_an_override_reaches_the_app_the_client_serves(
    client: AsyncClient, override: Overrides
) -> None:
    override(notes.get_author, lambda: "alice")

    created = await client.post("/notes", json={"text": "mine"})

    assert created.json() == {"id": created.json()["id"], "text": "mine", "author": "alice"}


def test_leaves_an_override_on_the_module_app() -> None:
    notes.app.dependency_overrides[notes.get_author] = lambda: "leaked"


def test_the_guard_put_the_module_app_back() -> None:
    assert notes.app.dependency_overrides == {}


def test_this_worker_has_a_database_of_its_own(database_url: str) -> None:
    record_database(database_url)
'''

TEST_EXAMPLES = '''\
"""One transaction per Hypothesis example: the conftest lists tests.fixtures.hypothesis."""

from functools import partial

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fixtures.hypothesis import PortalExamples


def test_every_example_starts_from_no_notes(portal_examples: PortalExamples) -> None:
    @settings(max_examples=3, database=None, deadline=None)
    @given(text=st.text(alphabet="xyz", min_size=1, max_size=5))
    def each_example(text: str) -> None:
        with portal_examples.isolated() as example:
            portal_examples.call(partial(example.client.post, "/notes", json={"text": text}))
            listed = portal_examples.call(example.client.get, "/notes")
            assert [note["text"] for note in listed.json()] == [text]

    each_example()
'''

TEST_KIT_PLUGINS = '''\
"""The kit's other plugins at work here: a query budget, and data built once for the module."""

from collections.abc import Callable
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from notes import Note


@pytest.fixture(scope="module")
async def module_note(module_db: AsyncSession) -> Note:
    note = Note(text="for the whole module", author="kit")
    module_db.add(note)
    await module_db.flush()
    return note


async def test_listing_the_notes_is_one_select(
    client: AsyncClient, module_note: Note, assert_num_queries: Callable[..., Any]
) -> None:
    # The SAVEPOINT the app's session opens inside the test's transaction, then the SELECT.
    with assert_num_queries(2):
        listed = await client.get("/notes")

    expected = [{"id": module_note.id, "text": "for the whole module", "author": "kit"}]
    assert listed.json() == expected


async def test_a_tests_own_note_is_gone_before_the_next_test(
    client: AsyncClient, module_note: Note
) -> None:
    created = await client.post("/notes", json={"text": "this test's"})
    assert created.status_code == 201, created.text

    listed = await client.get("/notes")
    assert [note["text"] for note in listed.json()] == ["for the whole module", "this test's"]


async def test_the_module_note_is_alone_again(client: AsyncClient, module_note: Note) -> None:
    listed = await client.get("/notes")
    assert [note["text"] for note in listed.json()] == ["for the whole module"]
'''


FILES = {
    "pytest.ini": PYTEST_INI,
    "notes/__init__.py": NOTES_APP,
    "tests/__init__.py": "",
    "tests/conftest.py": CONFTEST,
    "tests/workers.py": WORKERS,
    "tests/test_notes.py": TEST_NOTES,
    "tests/test_overrides.py": TEST_OVERRIDES,
    "tests/test_examples.py": TEST_EXAMPLES,
    "tests/test_kit_plugins.py": TEST_KIT_PLUGINS,
}


TUTORIAL_PYTEST_INI = PYTEST_INI + "testpaths = sql_app/tests\n"

NO_HTTPX2 = '''\
"""Loaded first (`-p no_httpx2`): this project has no httpx2, as if it were not installed."""

import sys

sys.modules["httpx2"] = None  # `import httpx2` now raises ModuleNotFoundError
'''

TUTORIAL_APP = '''\
"""Notes in one module, as FastAPI's SQL tutorial builds its app: engine and app at import."""

import os
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, FastAPI
from pydantic import BaseModel
from sqlalchemy import String, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

engine = create_async_engine(os.environ.get("NOTES_DATABASE_URL", "sqlite+aiosqlite:///notes.db"))
SessionLocal = async_sessionmaker(engine, expire_on_commit=False)


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(200))
    author: Mapped[str] = mapped_column(String(50))


class NoteIn(BaseModel):
    text: str


class NoteOut(BaseModel):
    id: int
    text: str
    author: str


async def get_db() -> AsyncIterator[AsyncSession]:
    async with SessionLocal() as db:
        yield db


def get_author() -> str:
    return "anonymous"


app = FastAPI(title="Tutorial notes")


@app.post("/notes", status_code=201)
async def add_note(
    body: NoteIn,
    db: Annotated[AsyncSession, Depends(get_db)],
    author: Annotated[str, Depends(get_author)],
) -> NoteOut:
    note = Note(text=body.text, author=author)
    db.add(note)
    await db.commit()
    return NoteOut(id=note.id, text=note.text, author=note.author)


@app.get("/notes")
async def list_notes(db: Annotated[AsyncSession, Depends(get_db)]) -> list[NoteOut]:
    notes = await db.scalars(select(Note).order_by(Note.id))
    return [NoteOut(id=n.id, text=n.text, author=n.author) for n in notes]
'''

TUTORIAL_CONFTEST = '''\
"""The kit's wiring for an app built at import (sql_app/main.py); the kit is in sql_app/tests/."""

from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import create_async_engine

from sql_app import main

pytest_plugins = [
    "sql_app.tests.fixtures.leaks",
    "sql_app.tests.fixtures.database",
    "sql_app.tests.fixtures.app",
    "sql_app.tests.fixtures.committed",
]


@pytest.fixture(scope="session")
def database_setup() -> Callable[[str], Awaitable[None]]:
    async def create_all(url: str) -> None:
        engine = create_async_engine(url)
        async with engine.begin() as connection:
            await connection.run_sync(main.Base.metadata.create_all)
        await engine.dispose()

    return create_all


@pytest.fixture(scope="session")
def session_dependency() -> Callable[..., Any]:
    return main.get_db


@pytest.fixture
def app_factory() -> Iterator[Callable[[], FastAPI]]:
    """main.app is built once, at import, and a test module may override it then (FastAPI's
    tutorial tests do): each test gets it without those overrides; they are back after it."""
    saved = dict(main.app.dependency_overrides)
    main.app.dependency_overrides.clear()
    yield lambda: main.app
    main.app.dependency_overrides.clear()
    main.app.dependency_overrides.update(saved)


@pytest.fixture(scope="session")
def guarded_apps() -> list[FastAPI]:
    return [main.app]
'''

TUTORIAL_OLD_TESTS = '''\
"""Tests from before the kit, as FastAPI's tutorial writes them: the override is set at import."""

from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession

from sql_app.main import app, get_db


async def override_get_db() -> AsyncIterator[AsyncSession]:
    """Stands in for the tutorial's session on a test database of its own: no kit test uses it."""
    raise AssertionError("a request reached the old tests' override of get_db")
    yield


app.dependency_overrides[get_db] = override_get_db


def test_the_override_set_at_import_is_in_place() -> None:
    assert app.dependency_overrides == {get_db: override_get_db}


def test_resets_the_overrides_at_its_end() -> None:
    app.dependency_overrides = {}  # as FastAPI's docs do: it takes the import's override too
'''

TUTORIAL_KIT_TESTS = '''\
"""The kit's fixtures on the module-level app (this file runs on one worker, in order)."""

from fastapi import FastAPI
from httpx import AsyncClient

from sql_app import main
from sql_app.main import get_author, get_db
from sql_app.tests.fixtures.app import Overrides
from sql_app.tests.test_old_style import override_get_db


def test_the_test_sees_only_the_kits_override(app: FastAPI) -> None:
    assert list(app.dependency_overrides) == [get_db]
    assert app.dependency_overrides[get_db] is not override_get_db


async def test_the_async_clients_note_is_the_only_one(
    client: AsyncClient, override: Overrides
) -> None:
    override(get_author, lambda: "alice")

    created = await client.post("/notes", json={"text": "mine"})
    assert created.status_code == 201, created.text

    listed = await client.get("/notes")
    assert listed.json() == [{"id": created.json()["id"], "text": "mine", "author": "alice"}]


def test_asks_for_sync_client_without_httpx2(sync_client: object) -> None:
    raise AssertionError("sync_client should have refused to start without httpx2")


def test_the_old_tests_override_is_back_after_the_kit_tests() -> None:
    assert main.app.dependency_overrides == {get_db: override_get_db}
'''

TUTORIAL_BARE_FACTORY = '''\
"""`app_factory` as a bare `lambda: app`: the kit refuses an app the old tests overrode."""

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from sql_app.main import app


@pytest.fixture
def app_factory() -> Callable[[], FastAPI]:
    return lambda: app


async def test_a_bare_module_app_factory_is_refused(client: AsyncClient) -> None:
    response = await client.get("/notes")
    raise AssertionError(f"the kit served the overridden app: {response.status_code}")
'''

TUTORIAL_FILES = {
    "pytest.ini": TUTORIAL_PYTEST_INI,
    "no_httpx2.py": NO_HTTPX2,
    "sql_app/__init__.py": "",
    "sql_app/main.py": TUTORIAL_APP,
    "sql_app/tests/__init__.py": "",
    "sql_app/tests/conftest.py": TUTORIAL_CONFTEST,
    "sql_app/tests/test_old_style.py": TUTORIAL_OLD_TESTS,
    "sql_app/tests/test_kit.py": TUTORIAL_KIT_TESTS,
    "sql_app/tests/test_bare_factory.py": TUTORIAL_BARE_FACTORY,
}
TUTORIAL_KIT = Path("sql_app", "tests", "fixtures")


def _write(root: Path, files: dict[str, str], kit: Path) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    shutil.copytree(KIT, root / kit, ignore=shutil.ignore_patterns("__pycache__"))


def write_project(root: Path) -> None:
    """Writes the notes project under `root` and copies the kit to root/tests/fixtures."""
    _write(root, FILES, Path("tests", "fixtures"))


def write_tutorial_project(root: Path) -> None:
    """Writes the tutorial-shaped project under `root`, the kit in root/sql_app/tests/fixtures."""
    _write(root, TUTORIAL_FILES, TUTORIAL_KIT)
