"""A real uvicorn server on a free loopback port, for the resilience layer (tests/resilience/).

`live_server(app)` runs any ASGI app under uvicorn in a thread of its own (its own event loop,
lifespan included) on a socket bound to 127.0.0.1:0, and yields the base URL once uvicorn says
it has started; on exit the server is asked to stop and joined. Start and stop are bounded by
deadlines that only turn a hang into an error naming what hung, never a timed assertion.

`production_settings` and `serve` build the bookstore app the way production does, with no
dependency override: its own engine on this worker's database, whose rows are really committed
(`committed_db` empties the tables afterwards, once the server has stopped).
"""

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

import pytest
import uvicorn
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.types import ASGIApp

from app.core.config import Settings

START_DEADLINE_SECONDS = 30.0
# As production starts uvicorn (tests/meta/test_server_commands.py): a larger frame is closed
# with 1009 by uvicorn before the app sees it.
WS_MAX_SIZE = 64 * 1024
# Requests still running when the test ends are cancelled after this long (uvicorn's graceful
# shutdown), so a request stuck on purpose cannot keep the server alive.
GRACEFUL_SHUTDOWN_SECONDS = 5
STOP_DEADLINE_SECONDS = GRACEFUL_SHUTDOWN_SECONDS + 25.0


class _Server(uvicorn.Server):
    """uvicorn's server, telling the test thread when start-up is over (well or badly)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.startup_over = threading.Event()
        self.error: BaseException | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets)
        finally:
            self.startup_over.set()

    def run_in_thread(self, sock: socket.socket) -> None:
        try:
            self.run(sockets=[sock])
        except BaseException as error:  # SystemExit too: how uvicorn ends a failed start-up
            self.error = error
        finally:
            self.startup_over.set()


@contextmanager
def live_server(app: ASGIApp) -> Iterator[str]:
    """Serves `app` on a free loopback port while the block runs; yields `http://127.0.0.1:N`.

    uvicorn is told not to configure logging (it would replace the test process's handlers);
    the app's own lifespan still runs, in the server's loop.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        loop="asyncio",
        lifespan="on",
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        ws_max_size=WS_MAX_SIZE,
    )
    server = _Server(config)
    thread = threading.Thread(
        target=server.run_in_thread, args=(sock,), name=f"live-server-{port}", daemon=True
    )
    thread.start()
    try:
        if not server.startup_over.wait(START_DEADLINE_SECONDS):
            raise RuntimeError(
                f"uvicorn on port {port} did not start in {START_DEADLINE_SECONDS} s"
            )
        if not server.started:
            raise RuntimeError(f"uvicorn on port {port} failed to start") from server.error
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(STOP_DEADLINE_SECONDS)
        sock.close()
        if thread.is_alive():
            raise RuntimeError(f"uvicorn on port {port} did not stop in {STOP_DEADLINE_SECONDS} s")
    if server.error is not None:
        raise RuntimeError(f"uvicorn on port {port} ended with an error") from server.error


@pytest.fixture
def production_settings(
    settings: Settings, database_url: str, committed_db: async_sessionmaker[AsyncSession]
) -> Settings:
    """The test's settings on this worker's real database: what the app commits stays committed
    until `committed_db` empties the tables after the test. ENVIRONMENT stays `test` (cheap
    Argon2, and none of production's garbage-collector tuning in the test process)."""
    return settings.model_copy(update={"database_url": database_url})


Serve = Callable[[ASGIApp], str]


@pytest.fixture
def serve(committed_db: async_sessionmaker[AsyncSession]) -> Iterator[Serve]:
    """`serve(app)`: `app` on a live uvicorn server until the test ends; returns its base URL.

    Build the app first (`create_app(production_settings)`), change its state if the test
    needs to (a wrapped `app.state.passwords`, say), then serve it. Every server has stopped
    before `committed_db` empties the tables.
    """
    with ExitStack() as stack:
        yield lambda app: stack.enter_context(live_server(app))
