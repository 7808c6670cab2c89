"""CORS from CORS_ORIGINS (off when empty), the edge's own answers readable by a browser
client, and gzip for large responses with GZIP_ENABLED (off by default)."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from dirty_equals import IsStr
from fastapi import FastAPI
from starlette.types import ASGIApp

from app.core.config import Settings
from tests.fixtures.app import BASE_URL

SHOP = "https://shop.example"
WITH_CORS = {"cors_origins": [SHOP]}
GZIP_ON = {"gzip_enabled": True}
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}
EXPOSED = "X-Request-ID, X-Total-Count, Link, Retry-After"
PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization,content-type",
}


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """Indirectly parametrize with a dict of setting changes."""
    changes: dict[str, Any] = getattr(request, "param", {})
    return settings.model_copy(update=changes)


def cors_headers(response: httpx.Response) -> dict[str, str]:
    return {
        name: value
        for name, value in response.headers.items()
        if name.startswith("access-control-")
    }


def edge_headers(response: httpx.Response) -> dict[str, str | None]:
    """The request id and the security headers."""
    names = ["X-Request-ID", *SECURITY_HEADERS]
    return {name: response.headers.get(name) for name in names}


async def chunked(size: int) -> AsyncIterator[bytes]:
    for start in range(0, size, 32):
        yield b"x" * min(32, size - start)


@pytest.mark.parametrize("settings", [pytest.param(WITH_CORS, id="cors_on")], indirect=True)
class TestCors:
    async def test_preflight_from_a_configured_origin_is_allowed(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.options("/books", headers={"Origin": SHOP, **PREFLIGHT})

        assert response.status_code == 200, response.text
        assert cors_headers(response) == {
            "access-control-allow-origin": SHOP,
            "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE",
            "access-control-allow-headers": (
                "Accept, Accept-Language, Authorization, Content-Language, Content-Type, "
                "X-Request-ID"
            ),
            "access-control-max-age": "600",
        }
        ids_and_headers: dict[str, object] = {
            "X-Request-ID": IsStr(regex=r"[0-9a-f]{32}"),
            "X-Frame-Options": "DENY",
        }
        assert {name: response.headers[name] for name in ids_and_headers} == ids_and_headers

    async def test_preflight_from_another_origin_is_refused(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.options(
            "/books", headers={"Origin": "https://evil.example", **PREFLIGHT}
        )

        assert response.status_code == 400, response.text
        assert response.text == "Disallowed CORS origin"
        assert "access-control-allow-origin" not in cors_headers(response)

    async def test_a_simple_request_exposes_the_headers_clients_read(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/books", headers={"Origin": SHOP})

        assert response.status_code == 200, response.text
        assert cors_headers(response) == {
            "access-control-allow-origin": SHOP,
            "access-control-expose-headers": EXPOSED,
        }

    async def test_a_simple_request_from_another_origin_gets_no_allow_origin(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/books", headers={"Origin": "https://evil.example"})

        assert response.status_code == 200, response.text
        # Starlette lists the exposed headers anyway; without allow-origin a browser reads none.
        assert cors_headers(response) == {"access-control-expose-headers": EXPOSED}


@pytest.mark.parametrize(
    "settings", [pytest.param({**WITH_CORS, "max_body_bytes": 64}, id="cors_on")], indirect=True
)
class TestTheEdgesOwnAnswersWithCors:
    """CORS sits inside the edge: what it or the edge answers still gets the id and headers."""

    @pytest.mark.parametrize(
        "is_chunked",
        [
            pytest.param(False, id="content_length_refused_by_the_edge"),
            pytest.param(True, id="chunked_stopped_in_the_app"),
        ],
    )
    async def test_a_413_is_readable_by_a_browser_client(
        self, client: httpx.AsyncClient, is_chunked: bool
    ) -> None:
        response = await client.post(
            "/auth/login",
            content=chunked(65) if is_chunked else b"x" * 65,
            headers={"Origin": SHOP, "X-Request-ID": "trace-413"},
        )

        assert response.status_code == 413, response.text
        assert response.json() == {"detail": "Request body too large"}
        assert cors_headers(response) == {
            "access-control-allow-origin": SHOP,
            "access-control-expose-headers": EXPOSED,
        }
        assert edge_headers(response) == {"X-Request-ID": "trace-413", **SECURITY_HEADERS}

    async def test_a_preflight_carries_the_id_and_the_security_headers(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.options(
            "/books", headers={"Origin": SHOP, "X-Request-ID": "trace-options", **PREFLIGHT}
        )

        assert response.status_code == 200, response.text
        assert edge_headers(response) == {"X-Request-ID": "trace-options", **SECURITY_HEADERS}

    async def test_a_500_carries_the_id_and_the_security_headers(
        self, fresh_app: FastAPI, running_app: ASGIApp
    ) -> None:
        async def crash() -> None:
            raise RuntimeError("unexpected")

        fresh_app.add_api_route("/test/crash", crash)
        transport = httpx.ASGITransport(app=running_app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            response = await client.get(
                "/test/crash", headers={"Origin": SHOP, "X-Request-ID": "trace-500"}
            )

        assert response.status_code == 500, response.text
        assert response.json() == {"detail": "Internal Server Error"}
        assert edge_headers(response) == {"X-Request-ID": "trace-500", **SECURITY_HEADERS}


async def test_without_cors_origins_a_preflight_is_not_answered(
    client: httpx.AsyncClient,
) -> None:
    response = await client.options("/books", headers={"Origin": SHOP, **PREFLIGHT})

    assert response.status_code == 405, response.text
    assert cors_headers(response) == {}


async def test_by_default_nothing_is_gzipped(client: httpx.AsyncClient) -> None:
    """Compression is the reverse proxy's unless GZIP_ENABLED (docs/decisions.md)."""
    response = await client.get("/openapi.json", headers={"Accept-Encoding": "gzip"})

    assert response.status_code == 200, response.text
    assert "Content-Encoding" not in response.headers
    assert int(response.headers["Content-Length"]) == len(response.content)


@pytest.mark.parametrize("settings", [pytest.param(GZIP_ON, id="gzip_on")], indirect=True)
class TestGzip:
    async def test_a_large_response_is_gzipped_when_asked(
        self, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/openapi.json", headers={"Accept-Encoding": "gzip"})

        assert response.status_code == 200, response.text
        assert (response.headers["Content-Encoding"], response.headers["Vary"]) == (
            "gzip",
            "Accept-Encoding",
        )
        assert int(response.headers["Content-Length"]) < len(response.content)
        assert response.json() == app.openapi()

    @pytest.mark.parametrize(
        ("path", "accept_encoding"),
        [
            pytest.param("/openapi.json", "identity", id="large_but_not_asked"),
            pytest.param("/health", "gzip", id="asked_but_small"),
        ],
    )
    async def test_otherwise_it_is_sent_as_is(
        self, client: httpx.AsyncClient, path: str, accept_encoding: str
    ) -> None:
        response = await client.get(path, headers={"Accept-Encoding": accept_encoding})

        assert response.status_code == 200, response.text
        assert "Content-Encoding" not in response.headers
        assert int(response.headers["Content-Length"]) == len(response.content)
