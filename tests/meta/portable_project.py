"""A tiny notes project that is not the bookstore: the reader who copies the kit.

`write_project(root)` writes it and copies `tests/fixtures/` into it unchanged; the test in
test_kit_is_portable.py runs pytest there. Its conftest defines only the kit's configuration
fixtures, exactly as tests/fixtures/README.md tells a newcomer to (the README quotes this file).
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
    "tests.fixtures.database",
    "tests.fixtures.app",
    "tests.fixtures.auth",
    "tests.fixtures.committed",
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

FILES = {
    "pytest.ini": PYTEST_INI,
    "notes/__init__.py": NOTES_APP,
    "tests/__init__.py": "",
    "tests/conftest.py": CONFTEST,
    "tests/workers.py": WORKERS,
    "tests/test_notes.py": TEST_NOTES,
    "tests/test_overrides.py": TEST_OVERRIDES,
}


def write_project(root: Path) -> None:
    """Writes the notes project under `root` and copies the kit to root/tests/fixtures."""
    for relative, text in FILES.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    shutil.copytree(KIT, root / "tests" / "fixtures", ignore=shutil.ignore_patterns("__pycache__"))
