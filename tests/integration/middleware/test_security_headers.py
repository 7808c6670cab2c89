"""Security headers (API.md, General rules) on every response, errors included; a CSP that lets
/docs and /redoc load what they need and nothing more; the docs switch."""

import base64
import hashlib
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.types import ASGIApp

from app.core.config import Environment, Settings
from tests.fixtures.app import BASE_URL

NAMES = (
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Content-Security-Policy",
    "Strict-Transport-Security",
)
API_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Strict-Transport-Security": None,
}
HSTS = "max-age=63072000; includeSubDomains"
PRODUCTION = {"environment": Environment.PRODUCTION}
RESPONSES = [
    pytest.param("GET", "/health", {}, 200, id="ok"),
    pytest.param("GET", "/no/such/route", {}, 404, id="not_found"),
    pytest.param("DELETE", "/health", {}, 405, id="method_not_allowed"),
    pytest.param("GET", "/books", {"params": {"limit": 0}}, 422, id="validation"),
    pytest.param("GET", "/users/me", {}, 401, id="unauthenticated"),
    pytest.param("POST", "/auth/login", {"content": b"x" * 65}, 413, id="too_large"),
    pytest.param("GET", "/test/crash", {}, 500, id="unhandled_exception"),
]


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """Indirectly parametrize with a dict of setting changes."""
    changes: dict[str, Any] = getattr(request, "param", {})
    return settings.model_copy(update={"max_body_bytes": 64, **changes})


@pytest.fixture
async def tolerant_client(fresh_app: FastAPI, app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client on the test's app (plus a crashing route) that gets 500s as responses."""

    async def crash() -> None:
        raise RuntimeError("unexpected")

    fresh_app.add_api_route("/test/crash", crash)
    async with _serve(app, raise_app_exceptions=False) as client:
        yield client


def _serve(app: ASGIApp, *, raise_app_exceptions: bool = True) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions)
    return httpx.AsyncClient(transport=transport, base_url=BASE_URL)


def security_headers(response: httpx.Response) -> dict[str, str | None]:
    return {name: response.headers.get(name) for name in NAMES}


def csp_directives(policy: str) -> dict[str, list[str]]:
    directives = (part.split() for part in policy.split(";"))
    return {name: sources for name, *sources in directives}


def links(page: str, rel: str) -> list[str]:
    """Origins of the `<link rel=...>` URLs of a page."""
    tags = re.findall(r"<link [^>]*>", page)
    hrefs = (re.search(r'href="(https://[^/"]+)/', tag) for tag in tags if f'rel="{rel}"' in tag)
    return [href.group(1) for href in hrefs if href]


def inline_script_hashes(page: str) -> list[str]:
    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.DOTALL)
    digests = (hashlib.sha256(script.encode()).digest() for script in scripts)
    return [f"'sha256-{base64.b64encode(digest).decode()}'" for digest in digests]


class TestEveryResponse:
    @pytest.mark.parametrize(("method", "path", "request_kwargs", "status"), RESPONSES)
    async def test_carries_the_security_headers_without_hsts_outside_production(
        self,
        tolerant_client: httpx.AsyncClient,
        method: str,
        path: str,
        request_kwargs: dict[str, Any],
        status: int,
    ) -> None:
        response = await tolerant_client.request(method, path, **request_kwargs)

        assert response.status_code == status, response.text
        assert security_headers(response) == API_HEADERS

    @pytest.mark.parametrize("settings", [pytest.param(PRODUCTION, id="production")], indirect=True)
    @pytest.mark.parametrize(("method", "path", "request_kwargs", "status"), RESPONSES)
    async def test_carries_hsts_too_in_production(
        self,
        tolerant_client: httpx.AsyncClient,
        method: str,
        path: str,
        request_kwargs: dict[str, Any],
        status: int,
    ) -> None:
        response = await tolerant_client.request(method, path, **request_kwargs)

        assert response.status_code == status, response.text
        assert security_headers(response) == {**API_HEADERS, "Strict-Transport-Security": HSTS}


class TestDocsPages:
    async def test_swagger_ui_page_gets_a_policy_allowing_its_cdn_and_its_own_inline_script(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/docs")

        assert response.status_code == 200, response.text
        hashes = inline_script_hashes(response.text)
        assert len(hashes) == 1
        assert security_headers(response) == {
            **API_HEADERS,
            "Content-Security-Policy": (
                "default-src 'none'; "
                f"script-src https://cdn.jsdelivr.net {hashes[0]}; "
                "style-src https://cdn.jsdelivr.net https://fonts.googleapis.com 'unsafe-inline'; "
                "img-src 'self' data: https://fastapi.tiangolo.com; "
                "font-src https://fonts.gstatic.com; "
                "connect-src 'self'; "
                "worker-src blob:; "
                "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
            ),
        }

    @pytest.mark.parametrize(
        ("path", "external"),
        [
            pytest.param(
                "/docs",
                {
                    "script-src": {"https://cdn.jsdelivr.net"},
                    "style-src": {"https://cdn.jsdelivr.net"},
                    "img-src": {"https://fastapi.tiangolo.com"},
                },
                id="swagger_ui",
            ),
            pytest.param(
                "/redoc",
                {
                    "script-src": {"https://cdn.jsdelivr.net"},
                    "style-src": {"https://fonts.googleapis.com"},
                    "img-src": {"https://fastapi.tiangolo.com"},
                },
                id="redoc",
            ),
            pytest.param(
                "/docs/oauth2-redirect",
                {"script-src": set(), "style-src": set(), "img-src": set()},
                id="oauth2_redirect",
            ),
        ],
    )
    async def test_every_script_style_and_icon_the_page_loads_is_allowed(
        self, client: httpx.AsyncClient, path: str, external: dict[str, set[str]]
    ) -> None:
        response = await client.get(path)

        assert response.status_code == 200, response.text
        page = response.text
        needed = {
            "script-src": set(re.findall(r'<script src="(https://[^/"]+)/', page)),
            "style-src": set(links(page, "stylesheet")),
            "img-src": set(links(page, "shortcut icon")),
        }
        assert needed == external
        needed["script-src"] |= set(inline_script_hashes(page))
        policy = csp_directives(response.headers["Content-Security-Policy"])
        assert {name: needs - set(policy[name]) for name, needs in needed.items()} == {
            name: set() for name in needed
        }
        assert "'unsafe-inline'" not in policy["script-src"]
        assert (policy["connect-src"], policy["frame-ancestors"]) == (["'self'"], ["'none'"])

    async def test_behind_a_root_path_the_page_still_gets_its_policy(
        self, running_app: ASGIApp
    ) -> None:
        """A proxy mounting the app under `/api` sends `/api/docs` with `root_path` `/api`."""
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=running_app, root_path="/api"), base_url=BASE_URL
        ) as client:
            response = await client.get("/api/docs")

        assert response.status_code == 200, response.text
        policy = csp_directives(response.headers["Content-Security-Policy"])
        assert policy["script-src"] == [
            "https://cdn.jsdelivr.net",
            *inline_script_hashes(response.text),
        ]

    async def test_the_schema_keeps_the_strict_api_policy(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/openapi.json")

        assert response.status_code == 200, response.text
        assert security_headers(response) == API_HEADERS

    @pytest.mark.parametrize(
        "settings", [pytest.param({"docs_enabled": False}, id="docs_off")], indirect=True
    )
    @pytest.mark.parametrize(
        "path",
        [
            pytest.param("/docs", id="swagger_ui"),
            pytest.param("/redoc", id="redoc"),
            pytest.param("/docs/oauth2-redirect", id="oauth2_redirect"),
            pytest.param("/openapi.json", id="schema"),
        ],
    )
    async def test_docs_off_hides_the_pages_and_the_schema(
        self, client: httpx.AsyncClient, path: str
    ) -> None:
        response = await client.get(path)

        assert response.status_code == 404, response.text
        assert response.json() == {"detail": "Not Found"}
        assert security_headers(response) == API_HEADERS
