"""GET /health (liveness, touches nothing) and GET /health/ready (database, and Redis when set)."""

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from app import __version__
from app.core.db import get_session
from tests.fixtures.app import Overrides
from tests.fixtures.settings import SettingsOverride
from tests.support.limits import TEST_REDIS_URL

SessionProvider = Callable[[], AsyncIterator[AsyncSession]]

# Port 1 on the loopback refuses connections at once: a database that is down, without waiting.
UNREACHABLE_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:1/none"
UNREACHABLE_REDIS_URL = "redis://127.0.0.1:1/0"


@pytest.fixture
async def database_down(override: Overrides) -> AsyncIterator[None]:
    """The app's session dependency yields sessions on a database that refuses connections
    (the kit's read-path override reads through that session too: the whole database is down)."""
    engine = create_async_engine(UNREACHABLE_DATABASE_URL)

    async def unreachable_session() -> AsyncIterator[AsyncSession]:
        async with AsyncSession(engine) as session:
            yield session

    override(get_session, unreachable_session)
    yield
    await engine.dispose()


class TestLiveness:
    async def test_reports_healthy_with_the_app_version(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/health")

        assert response.status_code == 200, response.text
        assert response.json() == {"status": "healthy", "version": __version__}

    @pytest.mark.usefixtures("database_down")
    async def test_stays_healthy_while_the_database_is_down(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/health")

        assert response.status_code == 200, response.text
        assert response.json() == {"status": "healthy", "version": __version__}


class TestReadiness:
    async def test_ready_when_the_database_answers(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/health/ready")

        assert response.status_code == 200, response.text
        assert response.json() == {
            "status": "ready",
            "checks": {"database": "ok", "redis": "disabled"},
        }

    @pytest.mark.usefixtures("database_down")
    async def test_503_names_the_database_when_it_is_down(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/health/ready")

        assert response.status_code == 503, response.text
        assert response.json() == {
            "status": "unavailable",
            "checks": {"database": "unavailable", "redis": "disabled"},
        }


class TestReadinessWithRedis:
    @pytest.mark.parametrize(
        ("redis_url", "expected_status", "expected"),
        [
            pytest.param(
                TEST_REDIS_URL,
                200,
                {"status": "ready", "checks": {"database": "ok", "redis": "ok"}},
                id="redis_up",
            ),
            pytest.param(
                UNREACHABLE_REDIS_URL,
                503,
                {"status": "unavailable", "checks": {"database": "ok", "redis": "unavailable"}},
                id="redis_down",
            ),
        ],
    )
    async def test_redis_is_checked_when_redis_url_is_set(
        self,
        client: httpx.AsyncClient,
        settings_override: SettingsOverride,
        redis_url: str,
        expected_status: int,
        expected: dict[str, object],
    ) -> None:
        settings_override(redis_url=redis_url)

        response = await client.get("/health/ready")

        assert response.status_code == expected_status, response.text
        assert response.json() == expected
