"""Async SQLAlchemy: the declarative base, the engine and the request-scoped session."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Dialect
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import TypeDecorator
from starlette.requests import HTTPConnection

from app.core.config import Settings

# The range of an `Integer` column on PostgreSQL (int4; SQLite's are wider): every integer a
# client sends that reaches one, or a bound parameter, is bounded by this in its schema, so a
# larger value is a 422 that says the bound, never a driver error (docs/decisions.md, issue 15).
MAX_INT = 2**31 - 1
MAX_ID = MAX_INT

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:  # not in production: a caller's mistake, refused
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:  # not in production: no query of the app reads a NULL timestamp
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


# Not mutated, only this adapter (docs/mutation.md, "Functions that are not mutated"):
# SQLAlchemy passes the execution context only to a default whose signature takes one, and
# mutmut's trampoline (*args, **kwargs) hides it. The rule itself is in row_created_at, mutated.
def same_as_created_at(context: DefaultExecutionContext) -> datetime:  # pragma: no mutate block
    """Column default: a new row's `updated_at` equals its `created_at` (one clock reading)."""
    return row_created_at(context)


def row_created_at(context: DefaultExecutionContext) -> datetime:
    """The `created_at` value of the row being inserted."""
    created_at: datetime = context.get_current_parameters()["created_at"]  # type: ignore[no-untyped-call]
    return created_at


# Execution option of a connection (or engine) whose transactions only read (`read_only`).
READ_ONLY = "bookstore_read_only"


def enable_sqlite_savepoints(engine: AsyncEngine) -> None:
    """Let SQLAlchemy own SQLite transactions so SAVEPOINTs nest and foreign keys hold.

    The documented pysqlite recipe: switch the driver's implicit BEGIN off and emit our own.
    IMMEDIATE takes the write lock up front: two deferred transactions that read, then write,
    deadlock each other ("database is locked") when requests race. A transaction marked
    `READ_ONLY` never writes, so it begins DEFERRED and takes no write lock: readers do not
    queue behind writers, nor writers behind readers (issue 15).
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def add_sqlite_functions(engine: AsyncEngine) -> None:
    """SQLite's own lower() folds ASCII only; use Python's so searches match 'Émile' too."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)


def _lower(value: str | None) -> str | None:
    return None if value is None else value.lower()


def create_engine(settings: Settings) -> AsyncEngine:
    if settings.is_sqlite:
        engine = create_async_engine(settings.database_url, echo=settings.database_echo)
        enable_sqlite_savepoints(engine)
        add_sqlite_functions(engine)
        return engine
    return create_async_engine(
        settings.database_url,
        echo=settings.database_echo,
        pool_size=settings.database_pool_size,
        max_overflow=0,
    )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def get_session(connection: HTTPConnection) -> AsyncIterator[AsyncSession]:
    """One session per request or WebSocket; tests override this dependency with their own."""
    sessionmaker: async_sessionmaker[AsyncSession] = connection.app.state.sessionmaker
    session = sessionmaker()
    try:
        yield session
    finally:
        # A session nobody used (the read path's, which reads on a connection of its own) holds
        # no connection and no objects: closing it would only cost a task and a greenlet switch.
        if session.in_transaction() or session.identity_map or session.new:
            async with session:  # closes it on exit, shielded from cancellation
                pass


SessionDep = Annotated[AsyncSession, Depends(get_session)]


@asynccontextmanager
async def read_only(session: AsyncSession) -> AsyncIterator[AsyncSession]:
    """The block's statements in a transaction of their own that only reads, ended on exit.

    Whatever slow work follows (a password hash, a call out, a file streamed to disk) then runs
    outside every transaction: it holds neither SQLite's one write lock, which a read-only
    transaction never takes, nor a pooled connection (issue 15). The transaction is committed,
    not rolled back, so the objects read stay loaded (`expire_on_commit=False`). When the session
    is already in a transaction, the block joins it and leaves it open: its owner ends it.
    """
    if session.in_transaction():  # not in production: the tests' session is always in one
        yield session
        return
    await session.connection(execution_options={READ_ONLY: True})
    yield session
    await session.commit()
