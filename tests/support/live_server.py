"""A real uvicorn server on a free loopback port, for the resilience layer (tests/resilience/).

`live_server(app)` runs any ASGI app under uvicorn in a thread of its own (its own event loop,
lifespan included) on a socket bound to 127.0.0.1:0, and yields the base URL once uvicorn says
it has started; on exit the server is asked to stop and joined. It is the kit's `serving`
(tests/fixtures/live.py), whose deadlines only turn a hang into an error naming what hung.

`production_settings` and `serve` build the bookstore app the way production does, with no
dependency override: its own engine on this worker's database, whose rows are really committed
(`committed_db` empties the tables afterwards, once the server has stopped).
"""

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.types import ASGIApp

from app.core.config import Settings
from tests.fixtures.live import serving

# As production starts uvicorn (tests/meta/test_server_commands.py): a larger frame is closed
# with 1009 by uvicorn before the app sees it.
WS_MAX_SIZE = 64 * 1024


@contextmanager
def live_server(app: ASGIApp) -> Iterator[str]:
    """Serves `app` on a free loopback port while the block runs; yields `http://127.0.0.1:N`.

    The kit's server (tests/fixtures/live.py: its deadlines, its logging left alone, the app's
    own lifespan in the server's loop), with production's WebSocket frame limit.
    """
    with serving(app, ws_max_size=WS_MAX_SIZE) as server:
        yield server.url


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
