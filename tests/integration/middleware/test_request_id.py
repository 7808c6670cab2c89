"""X-Request-ID (API.md, General rules): a valid incoming id is kept, anything else replaced,
and every response carries it, errors and crashes included."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from dirty_equals import IsStr
from fastapi import FastAPI
from starlette.types import ASGIApp

from app.core.config import Settings
from tests.fixtures.app import BASE_URL

GENERATED = IsStr(regex=r"[0-9a-f]{32}")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"max_body_bytes": 64})


@pytest.fixture
def crashing_app(fresh_app: FastAPI) -> FastAPI:
    async def crash() -> None:
        raise RuntimeError("unexpected")

    fresh_app.add_api_route("/test/crash", crash)
    return fresh_app


@pytest.fixture
async def tolerant_client(
    crashing_app: FastAPI, running_app: ASGIApp
) -> AsyncIterator[httpx.AsyncClient]:
    """A client that gets the 500 response instead of the re-raised exception."""
    transport = httpx.ASGITransport(app=running_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        yield client


class TestIncomingRequestId:
    @pytest.mark.parametrize(
        "request_id",
        [
            pytest.param("abc123", id="alphanumeric"),
            pytest.param("A.b_c-9", id="every_allowed_punctuation"),
            pytest.param("7", id="one_character"),
            pytest.param("x" * 128, id="128_characters"),
            pytest.param("0f8fad5b-d9cb-469f-a165-70867728950e", id="uuid"),
        ],
    )
    async def test_a_valid_id_is_kept(self, client: httpx.AsyncClient, request_id: str) -> None:
        response = await client.get("/health", headers={"X-Request-ID": request_id})

        assert response.status_code == 200, response.text
        assert response.headers.get_list("X-Request-ID") == [request_id]

    @pytest.mark.parametrize(
        "request_id",
        [
            pytest.param("x" * 129, id="too_long"),
            pytest.param("has space", id="space"),
            pytest.param("a/b", id="slash"),
            pytest.param("a;b=c", id="separators"),
            pytest.param('"quoted"', id="quotes"),
            pytest.param("", id="empty"),
        ],
    )
    async def test_an_invalid_id_is_replaced_by_a_new_one(
        self, client: httpx.AsyncClient, request_id: str
    ) -> None:
        response = await client.get("/health", headers={"X-Request-ID": request_id})

        assert response.status_code == 200, response.text
        assert response.headers.get_list("X-Request-ID") == [GENERATED]

    async def test_a_missing_id_is_generated_afresh_per_request(
        self, client: httpx.AsyncClient
    ) -> None:
        first, second = [await client.get("/health") for _ in range(2)]

        assert first.headers.get_list("X-Request-ID") == [GENERATED]
        assert second.headers.get_list("X-Request-ID") == [GENERATED]
        assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


class TestEveryResponseCarriesTheId:
    @pytest.mark.parametrize(
        ("method", "path", "request_kwargs", "status"),
        [
            pytest.param("GET", "/no/such/route", {}, 404, id="not_found"),
            pytest.param("DELETE", "/health", {}, 405, id="method_not_allowed"),
            pytest.param("GET", "/books", {"params": {"limit": 0}}, 422, id="validation"),
            pytest.param("GET", "/users/me", {}, 401, id="unauthenticated"),
            pytest.param("POST", "/auth/login", {"content": b"x" * 65}, 413, id="too_large"),
            pytest.param("GET", "/test/crash", {}, 500, id="unhandled_exception"),
        ],
    )
    @pytest.mark.parametrize(
        ("sent", "expected"),
        [
            pytest.param({"X-Request-ID": "trace-42"}, "trace-42", id="kept"),
            pytest.param({}, GENERATED, id="generated"),
        ],
    )
    async def test_error_responses_carry_the_id(
        self,
        tolerant_client: httpx.AsyncClient,
        method: str,
        path: str,
        request_kwargs: dict[str, Any],
        status: int,
        sent: dict[str, str],
        expected: object,
    ) -> None:
        response = await tolerant_client.request(method, path, headers=sent, **request_kwargs)

        assert response.status_code == status, response.text
        assert response.headers.get_list("X-Request-ID") == [expected]

    async def test_a_crash_is_a_json_500(self, tolerant_client: httpx.AsyncClient) -> None:
        response = await tolerant_client.get("/test/crash")

        assert response.status_code == 500, response.text
        assert response.json() == {"detail": "Internal Server Error"}

    async def test_a_crash_still_reaches_the_caller_as_an_exception(
        self, crashing_app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        with pytest.raises(RuntimeError, match=r"^unexpected$"):
            await client.get("/test/crash")
