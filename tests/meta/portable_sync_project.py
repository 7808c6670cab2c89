"""A third project that is not the bookstore: notes on a sync SQLAlchemy `Session` (issue 17).

`write_sync_project(root)` writes it and copies `tests/fixtures/` into it unchanged: `def`
endpoints, a `get_session` that yields a sync `Session` from the app's sessionmaker, the schema
made by a sync `metadata.create_all`, a principal sent as a header. Its conftest tells the kit
that the app is sync with one fixture, `session_kind`; tests/fixtures/README.md prints it whole
("A sync Session"). It runs on sqlite3 (`sqlite://`) or psycopg 3 (`postgresql+psycopg://`):
test_kit_is_portable.py gives it the sync driver for the database of the outer run.
"""

from pathlib import Path

from tests.meta.portable_project import PYTEST_INI, WORKERS, _write

SYNC_APP = '''\
"""Notes with a sync Session: `def` endpoints, a sync engine, the schema by create_all."""

import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, Header, HTTPException, Request
from pydantic import BaseModel
from sqlalchemy import String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker


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


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessionmaker() as session:
        yield session


def get_author() -> str:
    return "anonymous"


def current_user(x_user: Annotated[str | None, Header()] = None) -> str:
    if x_user is None:
        raise HTTPException(status_code=401, detail="not signed in")
    return x_user


SessionDep = Annotated[Session, Depends(get_session)]
AuthorDep = Annotated[str, Depends(get_author)]


def create_app(database_url: str) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(database_url)
        app.state.sessionmaker = sessionmaker(engine, expire_on_commit=False)
        app.state.started = True
        yield
        engine.dispose()

    app = FastAPI(title="Sync notes", lifespan=lifespan)

    @app.post("/notes", status_code=201)
    def add_note(body: NoteIn, session: SessionDep, author: AuthorDep) -> NoteOut:
        note = Note(text=body.text, author=author)
        session.add(note)
        session.commit()
        return NoteOut(id=note.id, text=note.text, author=note.author)

    @app.get("/notes")
    def list_notes(session: SessionDep) -> list[NoteOut]:
        notes = session.scalars(select(Note).order_by(Note.id))
        return [NoteOut(id=n.id, text=n.text, author=n.author) for n in notes]

    @app.get("/me")
    def me(user: Annotated[str, Depends(current_user)]) -> dict[str, str]:
        return {"user": user}

    @app.get("/health")
    def health(request: Request) -> dict[str, bool]:
        return {"started": getattr(request.app.state, "started", False)}

    return app


app = create_app(os.environ.get("NOTES_DATABASE_URL", "sqlite:///notes.db"))
'''

SYNC_CONFTEST = '''\
"""The kit's wiring for an app with a sync Session: `session_kind` says so."""

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine

import sync_notes

pytest_plugins = [
    "tests.fixtures.leaks",
    "tests.fixtures.database",
    "tests.fixtures.app",
    "tests.fixtures.auth",
    "tests.fixtures.committed",
    "tests.fixtures.hypothesis",
]


@pytest.fixture(scope="session")
def session_kind() -> str:
    """The routes are `def` and take a sync Session: the kit makes sync engines and sessions."""
    return "sync"


@pytest.fixture(scope="session")
def database_setup() -> Callable[[str], None]:
    """Builds the schema on a URL; sync, as the app is."""

    def create_all(url: str) -> None:
        engine = create_engine(url)
        sync_notes.Base.metadata.create_all(engine)
        engine.dispose()

    return create_all


@pytest.fixture(scope="session")
def session_dependency() -> Callable[..., Any]:
    return sync_notes.get_session


@pytest.fixture
def app_factory(database_url: str) -> Callable[[], FastAPI]:
    return lambda: sync_notes.create_app(database_url)


@pytest.fixture(scope="session")
def guarded_apps() -> list[FastAPI]:
    return [sync_notes.app]


@pytest.fixture(scope="session")
def make_principal() -> Callable[[str], Any]:
    """A principal here is a header; sync, as make_principal may be for a sync host."""
    from tests.fixtures.auth import Principal  # not at import time: see pytest_plugins

    def make(name: str) -> Principal:
        return Principal(name, {} if name == "anonymous" else {"X-User": name})

    return make
'''

SYNC_TEST_NOTES = '''\
"""Rollback isolation on a sync Session, through both clients (one worker, in file order)."""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync_notes import Note, get_session
from tests.workers import record_database


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Note)) or 0


def test_the_kit_hands_the_app_a_sync_session(app: FastAPI, db_session: Session) -> None:
    assert list(app.dependency_overrides) == [get_session]
    assert type(db_session) is Session


def test_a_commit_through_the_session_stays_in_the_test(db_session: Session) -> None:
    db_session.add(Note(text="committed", author="test"))
    db_session.commit()

    assert _count(db_session) == 1


def test_the_next_test_starts_from_an_empty_table(db_session: Session) -> None:
    assert _count(db_session) == 0


async def test_the_async_clients_note_is_the_only_one(
    client: AsyncClient, db_session: Session
) -> None:
    created = await client.post("/notes", json={"text": "async"})
    assert created.status_code == 201, created.text

    listed = await client.get("/notes")
    assert listed.json() == [{"id": created.json()["id"], "text": "async", "author": "anonymous"}]
    assert list(db_session.scalars(select(Note.text))) == ["async"]


def test_the_sync_clients_note_is_the_only_one(sync_client: TestClient) -> None:
    created = sync_client.post("/notes", json={"text": "sync"})
    assert created.status_code == 201, created.text

    listed = sync_client.get("/notes")
    assert listed.json() == [{"id": created.json()["id"], "text": "sync", "author": "anonymous"}]


async def test_the_client_runs_the_lifespan(client: AsyncClient) -> None:
    assert (await client.get("/health")).json() == {"started": True}


def test_this_worker_has_a_database_of_its_own(database_url: str) -> None:
    record_database(database_url)
'''

SYNC_TEST_OVERRIDES = '''\
"""The override fixture and the auth matrix on the sync app."""

import pytest
from fastapi.testclient import TestClient
from httpx import AsyncClient

import sync_notes
from tests.fixtures.app import Overrides
from tests.fixtures.auth import Principal
from tests.workers import record_database


async def test_an_override_reaches_the_app_the_client_serves(
    client: AsyncClient, override: Overrides
) -> None:
    override(sync_notes.get_author, lambda: "alice")

    created = await client.post("/notes", json={"text": "mine"})

    assert created.json() == {"id": created.json()["id"], "text": "mine", "author": "alice"}


def test_an_override_reaches_the_app_sync_client_serves(
    sync_client: TestClient, override: Overrides
) -> None:
    override(sync_notes.get_author, lambda: "bob")

    created = sync_client.post("/notes", json={"text": "his"})

    assert created.json() == {"id": created.json()["id"], "text": "his", "author": "bob"}


@pytest.mark.auth(anonymous=401, alice=200)
async def test_only_a_signed_in_user_reads_me(
    auth_client: AsyncClient, principal: Principal, expected_status: int
) -> None:
    response = await auth_client.get("/me")

    assert response.status_code == expected_status, response.text
    if expected_status == 200:
        assert response.json() == {"user": principal.name}


def test_this_worker_has_a_database_of_its_own(database_url: str) -> None:
    record_database(database_url)
'''

SYNC_TEST_COMMITTED = '''\
"""committed_db is a sync sessionmaker that really commits; every table is emptied after."""

from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from sync_notes import Note


def test_a_commit_is_seen_by_another_session(committed_db: sessionmaker[Session]) -> None:
    with committed_db() as writer:
        writer.add(Note(text="kept", author="writer"))
        writer.commit()

    with committed_db() as reader:
        assert list(reader.scalars(select(Note.text))) == ["kept"]


async def test_the_committed_clients_note_is_really_committed(
    committed_client: AsyncClient, committed_db: sessionmaker[Session]
) -> None:
    created = await committed_client.post("/notes", json={"text": "real"})
    assert created.status_code == 201, created.text

    with committed_db() as reader:
        assert list(reader.scalars(select(Note.text))) == ["real"]


def test_the_committed_rows_are_gone_by_the_next_test(db_session: Session) -> None:
    assert list(db_session.scalars(select(Note.text))) == []
'''

SYNC_TEST_HYPOTHESIS = '''\
"""Each Hypothesis example gets its own transaction, app and client (tests.fixtures.hypothesis)."""

from hypothesis import given, settings
from hypothesis import strategies as st
from httpx import AsyncClient, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync_notes import Note
from tests.fixtures.hypothesis import PortalExamples


async def _add(client: AsyncClient, text: str) -> Response:
    return await client.post("/notes", json={"text": text})


def test_every_example_writes_into_an_empty_table(portal_examples: PortalExamples) -> None:
    counts: list[int] = []

    @settings(max_examples=10, database=None, deadline=None)
    @given(text=st.text(alphabet="abc", min_size=1, max_size=10))
    def each_example(text: str) -> None:
        with portal_examples.isolated() as example:
            created = portal_examples.call(_add, example.client, text)
            assert created.status_code == 201, created.text
            session: Session = example.session
            counts.append(session.scalar(select(func.count()).select_from(Note)) or 0)

    each_example()

    assert counts == [1] * 10  # every one of max_examples saw only its own note
'''

SYNC_FILES = {
    "pytest.ini": PYTEST_INI,
    "sync_notes/__init__.py": SYNC_APP,
    "tests/__init__.py": "",
    "tests/conftest.py": SYNC_CONFTEST,
    "tests/workers.py": WORKERS,
    "tests/test_notes.py": SYNC_TEST_NOTES,
    "tests/test_overrides.py": SYNC_TEST_OVERRIDES,
    "tests/test_committed.py": SYNC_TEST_COMMITTED,
    "tests/test_hypothesis.py": SYNC_TEST_HYPOTHESIS,
}


def write_sync_project(root: Path) -> None:
    """Writes the sync notes project under `root` and copies the kit to root/tests/fixtures."""
    _write(root, SYNC_FILES, Path("tests", "fixtures"))
