"""WebSocket helpers: `ws_connect(path)` opens a socket on the test's running app, in-loop;
`redis_apps`: two app instances sharing a Redis event channel of the test's own.

A factory, never a yielded socket: httpx-ws fails at teardown when a WebSocket opened in a
yield fixture is closed from another task (spec/FINDINGS.md). Each `async with ws_connect(...)`
opens its own client, transport and socket in the test's task and closes them there. Every
receive waits at most `WAIT_SECONDS` (`anyio.fail_after`), so a missing message fails fast.
"""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import anyio
import httpx
import pytest
from asgi_lifespan import LifespanManager
from httpx_ws import AsyncWebSocketSession, WebSocketDisconnect, aconnect_ws
from httpx_ws.transport import ASGIWebSocketTransport
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import ASGIApp

from app import main
from app.core.config import Settings
from app.core.security import TokenType, create_token
from app.users.models import User
from tests.fixtures.app import BASE_URL, DatabaseOverrides, Overrides
from tests.support.limits import TEST_REDIS_URL

WAIT_SECONDS = 5.0

WsConnect = Callable[..., AbstractAsyncContextManager[AsyncWebSocketSession]]


def ws_connector(app: ASGIApp) -> WsConnect:
    """`connect(path, subprotocols=None)` for `app` (already running its lifespan)."""

    @asynccontextmanager
    async def connect(
        path: str, *, subprotocols: list[str] | None = None
    ) -> AsyncIterator[AsyncWebSocketSession]:
        transport = ASGIWebSocketTransport(app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            websocket: AsyncWebSocketSession
            async with aconnect_ws(path, client, subprotocols=subprotocols) as websocket:
                yield websocket

    return connect


@pytest.fixture
def ws_connect(running_app: ASGIApp) -> WsConnect:
    """Opens WebSockets on the test's app: `async with ws_connect("/ws/alice") as ws: ...`."""
    return ws_connector(running_app)


async def next_json(websocket: AsyncWebSocketSession) -> Any:
    """The next message, parsed; fails after WAIT_SECONDS."""
    with anyio.fail_after(WAIT_SECONDS):
        return await websocket.receive_json()


async def close_code(websocket: AsyncWebSocketSession) -> int:
    """Waits for the server's close frame (no other message allowed first); its code."""
    with anyio.fail_after(WAIT_SECONDS), pytest.raises(WebSocketDisconnect) as closed:
        await websocket.receive_text()
    code: int = closed.value.code
    return code


def access_token(settings: Settings, user: User, *, now: datetime | None = None) -> str:
    return create_token(
        settings,
        subject=user.id,
        role=user.role,
        token_type=TokenType.ACCESS,
        now=now or datetime.now(UTC),
    )


@pytest.fixture
async def reachable_redis_url() -> str:
    """TEST_REDIS_URL once it answers a PING; skips the test otherwise (CI always has Redis)."""
    redis = Redis.from_url(TEST_REDIS_URL)
    try:
        await redis.ping()
    except (RedisError, OSError) as exc:
        pytest.skip(f"Redis at {TEST_REDIS_URL} unreachable: {exc}")
    finally:
        await redis.aclose()
    return TEST_REDIS_URL


@pytest.fixture
async def redis_apps(
    settings: Settings,
    reachable_redis_url: str,
    db_session: AsyncSession,
    database_overrides: DatabaseOverrides,
    override: Overrides,
) -> AsyncIterator[tuple[ASGIApp, ASGIApp]]:
    """Two running apps, as two server processes would be: events on one Redis channel (new
    per test), each app with its own subscriber task; both reach the database only through the
    test's `db_session` (every one of `database_overrides`)."""
    shared = settings.model_copy(
        update={"redis_url": reachable_redis_url, "events_channel": f"test:events:{uuid4().hex}"}
    )

    async def test_session() -> AsyncIterator[AsyncSession]:
        yield db_session

    async with AsyncExitStack() as stack:
        running = []
        for _ in range(2):
            application = main.create_app(shared)
            for dependency, replacement in database_overrides(test_session).items():
                override(dependency, replacement, app=application)
            running.append((await stack.enter_async_context(LifespanManager(application))).app)
        yield running[0], running[1]
