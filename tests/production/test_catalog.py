"""A lookup goes out through the app's one HTTP client to the catalogue the settings name, and
the breaker the app keeps (issue 21): here a stand-in catalogue on a loopback port of its own."""

from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import Settings
from app.main import create_app
from tests.fixtures.live import serving
from tests.support.host import bearer_headers
from tests.support.payloads.books import DUNE_ISBN
from tests.support.production import committed_user


def stand_in_catalogue(seen: list[str]) -> FastAPI:
    catalogue = FastAPI()

    @catalogue.get("/isbn/{isbn}.json")
    async def edition(isbn: str) -> dict[str, str]:
        seen.append(isbn)
        return {"title": "Dune", "publish_date": "1965"}

    return catalogue


@pytest.fixture
def catalogue_url(catalogue_requests: list[str]) -> Iterator[str]:
    with serving(stand_in_catalogue(catalogue_requests)) as server:
        yield server.url


@pytest.fixture
def catalogue_requests() -> list[str]:
    return []


async def test_a_lookup_asks_the_catalogue_the_settings_name(
    committed_db: async_sessionmaker[AsyncSession],
    deployed_settings: Settings,
    catalogue_url: str,
    catalogue_requests: list[str],
) -> None:
    reader = await committed_user(committed_db)
    app = create_app(deployed_settings.model_copy(update={"catalog_url": catalogue_url}))

    with serving(app) as server:
        async with httpx.AsyncClient(base_url=server.url) as client:
            response = await client.get(
                f"/books/lookup/{DUNE_ISBN}", headers=bearer_headers(deployed_settings, reader)
            )

    assert (response.status_code, response.json()) == (
        200,
        {
            "isbn": DUNE_ISBN,
            "title": "Dune",
            "authors": [],
            "publish_year": 1965,
            "description": None,
        },
    )
    assert catalogue_requests == [DUNE_ISBN]
