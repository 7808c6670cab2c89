"""The read path as production wires it: `get_reads` not overridden, so each read takes a pooled
connection of the app's own read engine and gives it back before the response (app/core/reads.py).
Everywhere else the kit overrides `get_reads` with the test's session."""

import asyncio
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from pydantic import SecretStr
from sqlalchemy.pool import QueuePool

from app.core.config import Settings
from app.main import create_app
from app.migrations import upgrade_to_head
from tests.fixtures.app import BASE_URL
from tests.support.payloads.books import DUNE
from tests.support.tokens import bearer

ADMIN = {"email": "boss@example.com", "password": "read path admin password"}


@pytest.fixture
async def own_database_url(tmp_path: Path) -> str:
    """A migrated SQLite file of the test's own: the app writes through its own engine."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'reads.sqlite3'}"
    await asyncio.to_thread(upgrade_to_head, url)
    return url


async def test_book_reads_run_on_the_apps_read_engine_and_give_its_connection_back(
    settings: Settings, own_database_url: str
) -> None:
    app = create_app(
        settings.model_copy(
            update={
                "database_url": own_database_url,
                "admin_email": ADMIN["email"],
                "admin_password": SecretStr(ADMIN["password"]),
            }
        )
    )
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url=BASE_URL
        ) as client,
    ):
        login = await client.post("/auth/login", json=ADMIN)
        assert login.status_code == 200, login.text
        created = await client.post(
            "/books", json=DUNE, headers=bearer(login.json()["access_token"])
        )
        assert created.status_code == 201, created.text
        one = await client.get(f"/books/{created.json()['id']}")
        page = await client.get("/books")
        pool = app.state.read_engine.pool
        assert isinstance(pool, QueuePool)
        checked_out = pool.checkedout()

    assert (one.status_code, one.json()) == (200, created.json())
    assert (page.status_code, page.json(), page.headers["X-Total-Count"]) == (
        200,
        [created.json()],
        "1",
    )
    assert checked_out == 0
