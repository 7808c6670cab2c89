"""The lookup's real wiring: settings → adapter → the app's shared client, and the app's breaker.

Technique: override the *lowest* dependency, `get_http_client`, with an `httpx.AsyncClient` on
an `httpx.MockTransport`. Everything above it is the production code: the URL built from
`CATALOG_URL`, the retry policy from the settings, the circuit breaker kept on the app across
requests. Use this depth to test wiring; use the fake catalogue (test_lookup.py) for the HTTP
contract and MockTransport on the adapter alone (tests/unit/catalog) for its behaviour.
"""

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from pytest_mock import MockerFixture

from app.catalog.dependencies import get_http_client
from app.core.config import Settings
from tests.fixtures.app import Overrides
from tests.fixtures.auth import Principal

ISBN = "9780441013593"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """No back-off (retries cost no time) and a breaker that opens after two failed lookups."""
    return settings.model_copy(
        update={
            "catalog_url": "https://catalog.test/",
            "catalog_retries": 1,
            "catalog_retry_backoff_seconds": 0,
            "catalog_breaker_failures": 2,
        }
    )


@pytest.fixture
async def catalogue_requests(
    override: Overrides,
) -> AsyncIterator[Callable[[httpx.Response], list[httpx.Request]]]:
    """Installs a catalogue answering `response` to everything; returns the requests it saw."""
    clients: list[httpx.AsyncClient] = []

    def install(response: httpx.Response) -> list[httpx.Request]:
        seen: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return response

        http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        clients.append(http)
        override(get_http_client, lambda: http)
        return seen

    yield install
    for http in clients:
        await http.aclose()


@pytest.mark.auth("customer")
async def test_the_lookup_asks_the_configured_catalogue(
    auth_client: httpx.AsyncClient,
    principal: Principal,
    catalogue_requests: Callable[[httpx.Response], list[httpx.Request]],
) -> None:
    seen = catalogue_requests(httpx.Response(200, json={"title": "Dune", "publish_date": "1965"}))

    response = await auth_client.get(f"/books/lookup/{ISBN}")

    assert response.status_code == 200, response.text
    assert response.json() == {
        "isbn": ISBN,
        "title": "Dune",
        "authors": [],
        "publish_year": 1965,
        "description": None,
    }
    assert [str(request.url) for request in seen] == [f"https://catalog.test/isbn/{ISBN}.json"]


@pytest.mark.auth("customer")
async def test_the_breaker_outlives_a_request_and_spares_the_catalogue(
    auth_client: httpx.AsyncClient,
    principal: Principal,
    catalogue_requests: Callable[[httpx.Response], list[httpx.Request]],
) -> None:
    seen = catalogue_requests(httpx.Response(503))

    answers = [(await auth_client.get(f"/books/lookup/{ISBN}")).json() for _ in range(3)]

    assert answers == [
        {"detail": "The book catalogue is unavailable (it answered 503)"},
        {"detail": "The book catalogue is unavailable (it answered 503)"},
        {"detail": "The book catalogue is unavailable (failing fast after repeated failures)"},
    ]
    assert len(seen) == 4  # two lookups of two attempts each; the third lookup sent nothing


@pytest.mark.auth("customer")
async def test_a_malformed_answer_is_502_never_500(
    auth_client: httpx.AsyncClient,
    principal: Principal,
    catalogue_requests: Callable[[httpx.Response], list[httpx.Request]],
) -> None:
    catalogue_requests(httpx.Response(200, content=b'{"title": "Dune"'))

    response = await auth_client.get(f"/books/lookup/{ISBN}")

    assert response.status_code == 502, response.text
    assert response.json() == {
        "detail": "The book catalogue is unavailable (its answer was not a book record)"
    }


async def test_the_lifespan_owns_one_shared_client(fresh_app: FastAPI) -> None:
    async with LifespanManager(fresh_app):
        http = fresh_app.state.http_client
        assert isinstance(http, httpx.AsyncClient)
        assert http.headers["User-Agent"] == "bookstore/" + fresh_app.version
        assert http.is_closed is False

    assert http.is_closed is True


@pytest.mark.auth("customer")
async def test_without_overrides_the_lookup_uses_the_lifespans_client(
    auth_client: httpx.AsyncClient, principal: Principal, app: FastAPI, mocker: MockerFixture
) -> None:
    # Patching the one method is the only way to reach the lifespan's own client (overriding
    # `get_http_client` would replace the very thing under test); it never touches a socket.
    get = mocker.patch.object(
        app.state.http_client,
        "get",
        return_value=httpx.Response(404, request=httpx.Request("GET", "https://catalog.test")),
    )

    response = await auth_client.get(f"/books/lookup/{ISBN}")

    assert response.status_code == 404, response.text
    get.assert_awaited_once_with(
        f"https://catalog.test/isbn/{ISBN}.json", timeout=mocker.ANY, follow_redirects=True
    )
