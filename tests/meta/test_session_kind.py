"""A sync host (issue 17, host shape 3) told apart from an async one: every mismatch between
`session_kind`, the driver and the session dependency fails naming the fixture to change.
The whole sync path runs in test_kit_is_portable.py's third project."""

import re
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from tests.fixtures.sync import (
    check_driver,
    check_session_dependency,
    checked_kind,
    sync_rolled_back_session,
)


def sync_dependency() -> Iterator[object]:
    yield object()


async def async_dependency() -> AsyncIterator[object]:
    yield object()


@pytest.mark.parametrize(
    ("url", "kind", "message"),
    [
        pytest.param(
            "sqlite:///x.db",
            "async",
            "names the sync driver 'sqlite' and session_kind is 'async' (the default)",
            id="sqlite3_for_an_async_host",
        ),
        pytest.param(
            "postgresql+psycopg2://u@h/db",
            "async",
            "define the fixture session_kind returning 'sync'",
            id="psycopg2_for_an_async_host",
        ),
        pytest.param(
            "sqlite+aiosqlite:///x.db",
            "sync",
            "session_kind is 'sync' but the database URL names the async driver "
            "'sqlite+aiosqlite': a sync Session needs a sync driver",
            id="aiosqlite_for_a_sync_host",
        ),
        pytest.param(
            "postgresql+asyncpg://u@h/db",
            "sync",
            "override the base_database_url fixture) to sqlite:// or postgresql+psycopg://",
            id="asyncpg_for_a_sync_host",
        ),
    ],
)
def test_a_driver_of_the_other_kind_is_refused(url: str, kind: str, message: str) -> None:
    with pytest.raises(pytest.UsageError, match=re.escape(message)):
        check_driver(url, kind)


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        pytest.param("sqlite+aiosqlite:///x.db", "async", id="aiosqlite"),
        pytest.param("postgresql+asyncpg://u@h/db", "async", id="asyncpg"),
        pytest.param("postgresql+psycopg://u@h/db", "async", id="psycopg_async"),
        pytest.param("sqlite:///x.db", "sync", id="sqlite3"),
        pytest.param("postgresql+psycopg://u@h/db", "sync", id="psycopg_sync"),
    ],
)
def test_a_driver_of_the_hosts_kind_is_accepted(url: str, kind: str) -> None:
    check_driver(url, kind)


def test_a_sync_generator_dependency_under_the_async_default_is_refused() -> None:
    with pytest.raises(pytest.UsageError, match="sync_dependency is a sync generator"):
        check_session_dependency(sync_dependency, "async")


def test_an_async_generator_dependency_under_session_kind_sync_is_refused() -> None:
    with pytest.raises(pytest.UsageError, match="remove your session_kind fixture"):
        check_session_dependency(async_dependency, "sync")


def test_a_dependency_of_the_hosts_kind_is_accepted() -> None:
    check_session_dependency(async_dependency, "async")
    check_session_dependency(sync_dependency, "sync")


def test_an_unknown_session_kind_is_refused() -> None:
    with pytest.raises(pytest.UsageError, match="session_kind returned 'blocking'"):
        checked_kind("blocking")


class ExecSession(Session):
    """Stands in for SQLModel's Session (a Session subclass adding exec())."""


def test_the_sync_session_is_of_the_class_session_options_names() -> None:
    engine = create_engine("sqlite://")
    try:
        with sync_rolled_back_session(engine, {"class_": ExecSession}) as session:
            assert type(session) is ExecSession
        with sync_rolled_back_session(engine, {}) as session:
            assert type(session) is Session
    finally:
        engine.dispose()
