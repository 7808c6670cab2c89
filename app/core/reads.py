"""Read-only statements for the hot read endpoints, on a connection held only while they run.

`get_reads` takes no session: it returns `Reads` on the app's read engine, which takes a pooled
connection of its own inside the request, in autocommit on PostgreSQL (one round trip per
statement: no BEGIN/ROLLBACK around a single read), and gives it back before the response is
sent instead of after, as a yield dependency would. Depending on the session dependency would
run FastAPI's yield-dependency machinery on every request for a session this path never uses
in production (its cost: docs/performance.md).

On PostgreSQL with asyncpg, a `Prebuilt` statement skips SQLAlchemy's execute and result layers:
its SQL, compiled once at import, runs on the asyncpg connection itself (asyncpg's own
prepared-statement cache). Whether that is worth its code was measured, not assumed: the
decision and its figures are in docs/decisions.md ("The read path keeps its asyncpg route").

Tests keep it inside their transaction by overriding `get_reads` itself: the fixture kit
installs `Reads.on_session(...)` on the test's session beside the session override
(`database_overrides` in tests/support/host.py). On PostgreSQL a prebuilt statement then runs on
the asyncpg connection the test's session holds, inside its transaction: the same SQL through the
same code as in production, seeing the test's uncommitted and unflushed rows. An app whose
`get_reads` nobody overrode reads its own database, which under the kit does not exist: a
forgotten override fails loudly.

A statement on the bare asyncpg connection passes no SQLAlchemy event, so the kit's query
budgets (tests/fixtures/queries.py) cannot see it: `Reads.on_session(session,
on_driver_statement=...)` hands each one, its SQL and arguments, to a hook before it runs (the
tests give the kit's `record_statement`; production gives none).
"""

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any, cast

import asyncpg  # type: ignore[import-untyped]  # no stubs: only its two error bases are used
from fastapi import Depends, Request
from sqlalchemy import Select
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.util import greenlet_spawn

from app.core.db import READ_ONLY

NEEDS_ONE = "a ReadConnection needs a session or an engine"
Executor = AsyncConnection | AsyncSession
_SQLALCHEMY = (AsyncConnection, AsyncSession)
Params = Mapping[str, Any]
ReadRow = Mapping[Any, Any]  # a SQLAlchemy `RowMapping` or an asyncpg `Record`
DriverStatementHook = Callable[[str, Sequence[Any]], object]  # (SQL, arguments) before it runs
AnySelect = Select[*tuple[Any, ...]]

_ASYNCPG = asyncpg_dialect()  # type: ignore[no-untyped-call]  # SQLAlchemy leaves it untyped


@dataclass(frozen=True, slots=True)
class Prebuilt:
    """A statement built once, with its asyncpg SQL (`$n` parameters) compiled once too."""

    statement: AnySelect
    sql: str
    names: tuple[str, ...]
    values: Mapping[str, Any]  # those the statement carries itself; None for a bare bindparam

    @classmethod
    def of(cls, statement: AnySelect) -> "Prebuilt":
        compiled = statement.compile(dialect=_ASYNCPG)
        names = tuple(compiled.positiontup or ())
        return cls(statement, str(compiled), names, compiled.params)

    def arguments(self, params: Params) -> list[Any]:
        return [params[name] if name in params else self.values[name] for name in self.names]


Statement = Prebuilt | AnySelect


def _sqlalchemy(statement: Statement) -> AnySelect:
    return statement.statement if isinstance(statement, Prebuilt) else statement


class ReadConnection:
    """`first`, `all` and `scalar` of a statement, as mappings keyed by column name.

    On PostgreSQL with asyncpg a `Prebuilt` statement runs on the bare asyncpg connection,
    whichever connection that is: in production the pool's, checked out at the first statement;
    under a test, the one the test's session holds, inside its transaction (after a flush, as
    `execute` would autoflush), so the tests run the statements production runs, the way it runs
    them. Anything else runs through SQLAlchemy: on the session, or on a pooled connection
    (SQLite; a search's per-request statements, whose compiled form SQLAlchemy caches).
    """

    def __init__(
        self,
        *,
        session: AsyncSession | None = None,
        engine: AsyncEngine | None = None,
        on_driver_statement: DriverStatementHook | None = None,
    ) -> None:
        if session is not None:  # not in production: the tests' read path
            self._driver_name = session.get_bind().dialect.driver
        elif engine is not None:
            self._driver_name = engine.dialect.driver
        else:  # not in production: a caller's mistake, refused
            raise TypeError(NEEDS_ONE)
        self._session = session
        self._engine = engine
        self._opened: AsyncConnection | None = None
        self._pooled: PoolProxiedConnection | None = None
        self._driver: Any = None
        self._on_driver_statement = on_driver_statement

    async def _target(self, statement: Statement) -> Executor | Any:
        """What runs `statement`: a SQLAlchemy session or connection, or the asyncpg one."""
        if self._driver is not None:
            return self._driver
        if self._opened is not None:
            return self._opened
        on_asyncpg = isinstance(statement, Prebuilt) and self._driver_name == "asyncpg"
        if self._session is not None:  # not in production: the tests' read path
            if on_asyncpg:
                self._driver = await _driver_in_transaction(self._session)
                return self._driver
            return self._session
        engine = cast(AsyncEngine, self._engine)  # __init__ refuses having neither
        if on_asyncpg:
            # The pool's connection itself, no `Connection` around it: one greenlet switch to
            # check it out and one to give it back instead of three. asyncpg runs each
            # statement in autocommit unless told to begin: there is nothing to reset.
            self._pooled = await _checked_out(engine)
            self._driver = self._pooled.driver_connection
            return self._driver
        self._opened = await engine.connect()
        return self._opened

    async def close(self) -> None:
        """Gives back what this connection checked out; a session's connection stays its own."""
        if self._pooled is not None:
            if self._driver is not None and self._driver.is_closed():
                # The server dropped it (a restart, a failover): given back as it is, it would
                # fail every later read that checks it out (tests/production, issue 21).
                await greenlet_spawn(self._pooled.invalidate)
            await greenlet_spawn(self._pooled.close)
        if self._opened is not None:
            await self._opened.close()

    async def _on_driver(
        self, method: Callable[..., Awaitable[Any]], statement: Statement, params: Params
    ) -> Any:
        if self._on_driver_statement is not None:  # not in production: the tests' hook
            self._on_driver_statement(*_driver_sql(statement, params))
        return await on_driver(method, statement, params)

    async def first(self, statement: Statement, params: Params) -> ReadRow | None:
        target = await self._target(statement)
        if not isinstance(target, _SQLALCHEMY):
            found: ReadRow | None = await self._on_driver(target.fetchrow, statement, params)
            return found
        row = (await target.execute(_sqlalchemy(statement), params)).first()
        return None if row is None else row._mapping

    async def all(self, statement: Statement, params: Params) -> Sequence[ReadRow]:
        target = await self._target(statement)
        if not isinstance(target, _SQLALCHEMY):
            rows: Sequence[ReadRow] = await self._on_driver(target.fetch, statement, params)
            return rows
        return (await target.execute(_sqlalchemy(statement), params)).mappings().all()

    async def scalar(self, statement: Statement, params: Params) -> Any:
        target = await self._target(statement)
        if not isinstance(target, _SQLALCHEMY):
            return await self._on_driver(target.fetchval, statement, params)
        return (await target.execute(_sqlalchemy(statement), params)).scalar_one()


async def _driver_in_transaction(session: AsyncSession) -> Any:  # not in production: tests
    """The asyncpg connection under the session's, in its transaction, its pending rows flushed
    (what `execute` would have autoflushed)."""
    await session.flush()
    connection = await session.connection()
    return (await connection.get_raw_connection()).driver_connection


async def _checked_out(engine: AsyncEngine) -> PoolProxiedConnection:
    try:
        return await engine.raw_connection()
    except engine.dialect.loaded_dbapi.Error as error:
        # What `engine.connect()` would raise: SQLAlchemy's error, not the adapter's.
        raise DBAPIError.instance(None, None, error, type(error)) from error


async def on_driver(
    method: Callable[..., Awaitable[Any]], statement: Statement, params: Params
) -> Any:
    """`method` (an asyncpg connection's `fetch`...) on the statement's SQL; asyncpg's errors
    become SQLAlchemy's `DBAPIError`, as they would through `execute`."""
    sql, arguments = _driver_sql(statement, params)
    try:
        return await method(sql, *arguments)
    except (asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        raise DBAPIError.instance(sql, arguments, error, Exception) from error


def _driver_sql(statement: Statement, params: Params) -> tuple[str, list[Any]]:
    """A statement that is not `Prebuilt`, after a prebuilt one took the driver's way, is
    compiled here (no request mixes them today: each page is all prebuilt or all built)."""
    prebuilt = statement if isinstance(statement, Prebuilt) else Prebuilt.of(statement)
    return prebuilt.sql, prebuilt.arguments(params)


def create_read_engine(engine: AsyncEngine) -> AsyncEngine:
    """The same pool; PostgreSQL reads in autocommit (READ COMMITTED gives each statement its own
    snapshot either way). SQLite keeps its transactions (its BEGIN hook makes SAVEPOINTs work),
    begun DEFERRED: a read takes no write lock (`READ_ONLY`, app/core/db.py)."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    return engine.execution_options(**{READ_ONLY: True})


class Reads:
    """Where the read path runs: `async with reads.connection() as db: await db.first(...)`.

    `Reads.on_engine(engine)`: a pooled connection per `connection()`, returned at its end
    (production). `Reads.on_session(session)`: the session's own transaction, its unflushed rows
    included, since `session.execute` autoflushes (a test's session).
    """

    __slots__ = ("_engine", "_on_driver_statement", "_session")

    def __init__(
        self,
        *,
        session: AsyncSession | None = None,
        engine: AsyncEngine | None = None,
        on_driver_statement: DriverStatementHook | None = None,
    ) -> None:
        if (session is None) == (engine is None):  # not in production: a caller's mistake
            raise TypeError("Reads runs on a session or on an engine: give exactly one")
        self._session = session
        self._engine = engine
        self._on_driver_statement = on_driver_statement

    @classmethod
    def on_session(  # not in production: the tests' read path
        cls, session: AsyncSession, *, on_driver_statement: DriverStatementHook | None = None
    ) -> "Reads":
        """`on_driver_statement` sees each statement that skips SQLAlchemy (see module doc)."""
        return cls(session=session, on_driver_statement=on_driver_statement)

    @classmethod
    def on_engine(cls, engine: AsyncEngine) -> "Reads":
        return cls(engine=engine)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[ReadConnection]:
        connection = ReadConnection(
            session=self._session,
            engine=self._engine,
            on_driver_statement=self._on_driver_statement,
        )
        try:
            yield connection
        finally:
            await connection.close()


async def get_reads(request: Request) -> Reads:
    """Reads on the app's read engine; tests override this dependency (see module doc).

    No session dependency: its yield machinery would run on every request for nothing.
    `async def`: a plain `def` dependency would be sent to the thread pool on every request.
    """
    return Reads.on_engine(request.app.state.read_engine)


ReadsDep = Annotated[Reads, Depends(get_reads)]
