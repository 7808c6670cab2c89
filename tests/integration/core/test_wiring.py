"""The engines `create_app` builds have the settings docs/wiring.md says, on this run's backend.

Each row of the table is measured on an app started on the worker's database: the database or
the engine is asked, not the code's arguments. A row without a measurement, or a measurement
without a row, fails too, so the table and the code cannot drift apart (issue 21).
"""

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from pydantic import SecretStr
from sqlalchemy import Connection, event, make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.pool import QueuePool

from app.core.config import Environment, Settings
from app.main import create_app
from tests.fixtures.rollback_check import effective_isolation_level
from tests.support.host import TEST_SECRET_KEY

WIRING = Path(__file__).resolve().parents[3] / "docs" / "wiring.md"
ROW = re.compile(
    r"^\| (?P<engine>\w+) \| (?P<setting>[^|]+?) "
    r"\| `(?P<sqlite>[^`]+)` \| `(?P<postgresql>[^`]+)` \|"
)
# A size that is neither SQLAlchemy's default nor the settings': a size hard-coded to either shows.
POOL_SIZE = 7
FROM_SETTINGS = {"DATABASE_POOL_SIZE": str(POOL_SIZE)}


@dataclass(frozen=True)
class Built:
    """What the lifespan of `create_app` put on app.state."""

    engine: AsyncEngine
    read_engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]


def documented(backend: str) -> dict[tuple[str, str], str]:
    """(engine, setting) -> the value docs/wiring.md gives for `backend`."""
    rows = [ROW.match(line) for line in WIRING.read_text().splitlines()]
    table = {(m["engine"], m["setting"]): m[backend] for m in rows if m is not None}
    return {key: FROM_SETTINGS.get(value, value) for key, value in table.items()}


def _begins_with(connection: Connection) -> str:
    """The statement SQLAlchemy sent to begin the first statement's transaction, or `BEGIN`
    when the driver began one itself (asyncpg), or `none`."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    event.listen(connection, "before_cursor_execute", record)
    try:
        connection.exec_driver_sql("SELECT 1")
    finally:
        event.remove(connection, "before_cursor_execute", record)
    if sent[0].upper().startswith("BEGIN"):
        return sent[0].upper()
    return "BEGIN" if _driver_in_transaction(connection) else "none"


def _driver_in_transaction(connection: Connection) -> bool:
    driver = connection.connection.driver_connection
    if connection.dialect.name == "sqlite":
        return bool(driver.in_transaction)  # type: ignore[union-attr]
    return bool(driver.is_in_transaction())  # type: ignore[union-attr]


def _implicit_begin(connection: Connection) -> str:
    if connection.dialect.name != "sqlite":
        return "n/a"
    driver = connection.connection.driver_connection
    return "off" if driver.isolation_level is None else "on"  # type: ignore[union-attr]


def _foreign_keys(connection: Connection) -> str:
    if connection.dialect.name == "sqlite":
        enforced = connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
    else:
        role = connection.exec_driver_sql("SHOW session_replication_role").scalar_one()
        enforced = role == "origin"
    return "on" if enforced else "off"


def _lower(connection: Connection) -> str:
    folded = connection.execute(text("SELECT lower('ÉMILE')")).scalar_one()
    return "Unicode" if folded == "émile" else f"ASCII ({folded})"


async def on_a_connection(engine: AsyncEngine, measure: Callable[[Connection], str]) -> str:
    async with engine.connect() as connection:
        return await connection.run_sync(measure)


def _queue_pool(engine: AsyncEngine) -> QueuePool:
    pool = engine.pool
    assert isinstance(pool, QueuePool), type(pool)
    return pool


def _on_off(value: bool) -> str:
    return "on" if value else "off"


# SQLAlchemy keeps max_overflow, pool_timeout and pre_ping on the pool with no public reader.
MEASURES: dict[tuple[str, str], Callable[[Built], Awaitable[str]]] = {
    ("write", "isolation level"): lambda b: on_a_connection(b.engine, effective_isolation_level),
    ("write", "transaction begins with"): lambda b: on_a_connection(b.engine, _begins_with),
    ("write", "driver's implicit BEGIN"): lambda b: on_a_connection(b.engine, _implicit_begin),
    ("write", "foreign keys"): lambda b: on_a_connection(b.engine, _foreign_keys),
    ("write", "lower()"): lambda b: on_a_connection(b.engine, _lower),
    ("write", "pool"): lambda b: _value(type(b.engine.pool).__name__),
    ("write", "pool_size"): lambda b: _value(str(_queue_pool(b.engine).size())),
    ("write", "max_overflow"): lambda b: _value(str(_queue_pool(b.engine)._max_overflow)),
    ("write", "pool_timeout"): lambda b: _value(f"{_queue_pool(b.engine)._timeout:g}"),
    ("write", "pool_pre_ping"): lambda b: _value(_on_off(b.engine.pool._pre_ping)),
    ("read", "pool"): lambda b: _value(
        "the write engine's" if b.read_engine.pool is b.engine.pool else "a pool of its own"
    ),
    ("read", "isolation level"): lambda b: on_a_connection(
        b.read_engine, effective_isolation_level
    ),
    ("read", "transaction begins with"): lambda b: on_a_connection(b.read_engine, _begins_with),
    ("session", "expire_on_commit"): lambda b: _value(str(b.sessionmaker.kw["expire_on_commit"])),
}


async def _value(value: str) -> str:
    return value


@pytest.fixture
async def built(database_url: str, tmp_path: Path) -> AsyncIterator[Built]:
    """The engines and sessionmaker of an app started on this worker's database."""
    settings = Settings(
        _env_file=None,
        environment=Environment.TEST,
        database_url=database_url,
        database_pool_size=POOL_SIZE,
        secret_key=SecretStr(TEST_SECRET_KEY),
        redis_url=None,
        upload_dir=str(tmp_path / "uploads"),
    )
    app = create_app(settings)
    async with LifespanManager(app):
        yield Built(app.state.engine, app.state.read_engine, app.state.sessionmaker)


def backend_of(database_url: str) -> str:
    return make_url(database_url).get_backend_name()


def test_every_documented_setting_is_measured_and_every_measure_documented() -> None:
    assert sorted(documented("sqlite")) == sorted(MEASURES)


@pytest.mark.parametrize(
    "key", [pytest.param(key, id=f"{key[0]}-{key[1]}".replace(" ", "_")) for key in MEASURES]
)
async def test_the_engine_setting_is_what_docs_wiring_says(
    key: tuple[str, str], built: Built, database_url: str
) -> None:
    backend = backend_of(database_url)

    measured = await MEASURES[key](built)

    assert measured == documented(backend)[key], f"docs/wiring.md, {key}, on {backend}"
