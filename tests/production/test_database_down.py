"""The app as deployed on a database it cannot reach (issue 21): each way a request reaches the
database fails the request, and readiness says which dependency is down."""

import httpx
import pytest

from app.core.config import Settings
from app.main import create_app
from app.users.models import Role, User
from tests.fixtures.live import serving
from tests.support.host import bearer_headers, unreachable_database_url

# A valid token: the session dependency has to ask the database who it is.
NOBODY = User(id=1, role=Role.CUSTOMER.value)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/books/1", id="read_path_lookup"),
        pytest.param("/books?q=dune", id="read_path_search"),
        pytest.param("/users/me", id="session"),
    ],
)
async def test_every_way_to_the_database_fails_the_request(
    deployed_settings: Settings, path: str
) -> None:
    settings = deployed_settings.model_copy(
        update={"database_url": unreachable_database_url(deployed_settings.database_url)}
    )

    with serving(create_app(settings)) as server:
        # A connection of its own for each: uvicorn closes one whose request raised.
        async with httpx.AsyncClient(base_url=server.url) as client:
            failed = await client.get(path, headers=bearer_headers(settings, NOBODY))
        async with httpx.AsyncClient(base_url=server.url) as client:
            ready = await client.get("/health/ready")

    assert (failed.status_code, failed.json()) == (500, {"detail": "Internal Server Error"})
    assert (ready.status_code, ready.json()) == (
        503,
        {"status": "unavailable", "checks": {"database": "unavailable", "redis": "ok"}},
    )
