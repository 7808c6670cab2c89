"""Start-up and shut-down as production runs them (issue 21): the lifespan opens what the
settings name (the bootstrap admin is created, the heap frozen in production), and once it has
ended no database connection is left open or checked out, and no task or thread runs on.

What is left is read, not assumed: every pool connection opened while the app served is
recorded through SQLAlchemy's pool events, the tasks of the server's loop are listed once
uvicorn has shut down (the kit's `serving(on_stop=...)` runs on that loop), and the process's
threads are compared with those from before the server started.
"""

import asyncio
import gc
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import event
from sqlalchemy.pool import ConnectionPoolEntry, Pool

from app.core.config import Environment, Settings
from app.main import create_app
from tests.fixtures.live import serving
from tests.support.production import Rows

ADMIN_EMAIL = "root@example.com"
# Bounds a hang only: a thread told to stop (AnyIO's idle workers, once the loop's root task
# is done) may still be on its way out when the server's thread has been joined.
THREAD_END_DEADLINE_SECONDS = 10.0


def ended(threads: set[threading.Thread]) -> list[threading.Thread]:
    """Those of `threads` still running once each was given the deadline to end."""
    for thread in threads:
        thread.join(THREAD_END_DEADLINE_SECONDS)
    return [thread for thread in threads if thread.is_alive()]


@dataclass
class PoolTraffic:
    """Every pool connection opened, and the checkouts and check-ins, while it listens."""

    opened: list[ConnectionPoolEntry] = field(default_factory=list)
    checkouts: int = 0
    checkins: int = 0

    def on_connect(self, _dbapi: Any, record: ConnectionPoolEntry) -> None:
        self.opened.append(record)

    def on_checkout(self, _dbapi: Any, _record: Any, _proxy: Any) -> None:
        self.checkouts += 1

    def on_checkin(self, _dbapi: Any, _record: Any) -> None:
        self.checkins += 1

    def left_open(self) -> int:
        return sum(record.dbapi_connection is not None for record in self.opened)


@pytest.fixture
def pool_traffic() -> Iterator[PoolTraffic]:
    """Listens on every pool of the process (the app's engine is made inside its lifespan)."""
    traffic = PoolTraffic()
    listeners: list[tuple[str, Callable[..., Any]]] = [
        ("connect", traffic.on_connect),
        ("checkout", traffic.on_checkout),
        ("checkin", traffic.on_checkin),
    ]
    for name, listener in listeners:
        event.listen(Pool, name, listener)
    yield traffic
    for name, listener in listeners:
        event.remove(Pool, name, listener)


@pytest.fixture
def production_environment(deployed_settings: Settings) -> Settings:
    """ENVIRONMENT=production with a bootstrap admin; console logs, as the rest of the run has
    (the process's logging is configured by the last lifespan started)."""
    return deployed_settings.model_copy(
        update={
            "environment": Environment.PRODUCTION,
            "admin_email": ADMIN_EMAIL,
            "admin_password": SecretStr("a long bootstrap passphrase"),
            "log_format": "console",
        }
    )


async def test_after_the_lifespan_no_connection_task_or_thread_is_left(
    production_environment: Settings,
    pool_traffic: PoolTraffic,
    rows_as_stored: Callable[[], Awaitable[Rows]],
) -> None:
    app = create_app(production_environment)
    threads_before = set(threading.enumerate())
    left_running: list[str] = []

    async def list_tasks() -> None:
        current = asyncio.current_task()
        left_running.extend(t.get_name() for t in asyncio.all_tasks() if t is not current)

    with serving(app, on_stop=list_tasks) as server:
        frozen = gc.get_freeze_count()
        async with httpx.AsyncClient(base_url=server.url) as client:
            ready = await client.get("/health/ready")
    threads_left = [t.name for t in ended(set(threading.enumerate()) - threads_before)]
    connections = (len(pool_traffic.opened), pool_traffic.left_open())
    users = (await rows_as_stored())["users"]

    assert (ready.status_code, ready.json()) == (
        200,
        {"status": "ready", "checks": {"database": "ok", "redis": "ok"}},
    )
    assert [(user["email"], user["role"]) for user in users] == [(ADMIN_EMAIL, "admin")]
    assert frozen > 0
    assert connections == (1, 0)
    assert pool_traffic.checkouts == pool_traffic.checkins
    assert left_running == []
    assert threads_left == []
