"""Cross-cutting error shapes: 404/405 JSON, 422 without echoed input, 401 with its header."""

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from dirty_equals import IsInt

# The published document, read as data (tests/contract/test_openapi_snapshot.py keeps it equal to
# the app's); not imported from tests/contract, a layer beside this one (issue 16, layers).
SNAPSHOT = Path(__file__).resolve().parents[2] / "contract" / "openapi.json"
SECRET = "hunter2 but longer"


class TestRoutingErrors:
    async def test_unknown_route_is_404_json(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/no/such/route")

        assert response.status_code == 404, response.text
        assert response.json() == {"detail": "Not Found"}

    async def test_wrong_method_is_405_json_with_allow(self, client: httpx.AsyncClient) -> None:
        response = await client.delete("/users/me")

        assert response.status_code == 405, response.text
        assert response.json() == {"detail": "Method Not Allowed"}
        assert response.headers["Allow"] == "GET, PATCH"


def _concrete(template: str) -> str:
    """A path the template matches: an ISBN where one is expected, 1 for every other parameter."""
    path = template.replace("{isbn}", "9780441013593")
    return re.sub(r"\{[^}]+\}", "1", path)


# Path template to its methods, as published (the snapshot test keeps the file equal to the app's).
PATHS = {
    template: ", ".join(sorted(method.upper() for method in operations))
    for template, operations in json.loads(SNAPSHOT.read_text())["paths"].items()
}


class TestMethodNotAllowed:
    """Issue 15 (external contract check): `Allow` named only the first matching route's methods,
    e.g. `OPTIONS /books` said `Allow: GET` though `POST /books` exists. No path serves OPTIONS."""

    @pytest.mark.parametrize(
        ("template", "methods"),
        [pytest.param(template, methods, id=template) for template, methods in PATHS.items()],
    )
    async def test_allow_lists_every_method_of_the_path(
        self, client: httpx.AsyncClient, template: str, methods: str
    ) -> None:
        response = await client.options(_concrete(template))

        assert response.status_code == 405, response.text
        assert response.json() == {"detail": "Method Not Allowed"}
        assert response.headers["Allow"] == methods

    async def test_a_route_without_the_method_says_so_too(self, client: httpx.AsyncClient) -> None:
        response = await client.put("/books")

        assert response.status_code == 405, response.text
        assert response.headers["Allow"] == "GET, POST"


class TestValidationErrors:
    @pytest.mark.parametrize(
        ("request_kwargs", "errors"),
        [
            pytest.param(
                {"json": {"name": "Ada", "email": "ada@example.com", "password": "hunter2"}},
                [
                    {
                        "loc": ["body", "password"],
                        "msg": "String should have at least 8 characters",
                        "type": "string_too_short",
                    }
                ],
                id="constraint_with_ctx",
            ),
            pytest.param(
                {"json": {"name": "Ada", "email": "ada@example.com", "password": 12345678}},
                [
                    {
                        "loc": ["body", "password"],
                        "msg": "Input should be a valid string",
                        "type": "string_type",
                    }
                ],
                id="wrong_type",
            ),
            pytest.param(
                {
                    "content": f'{{"name": "Ada", "password": "{SECRET}"',
                    "headers": {"Content-Type": "application/json"},
                },
                [{"loc": ["body", IsInt()], "msg": "JSON decode error", "type": "json_invalid"}],
                id="malformed_json",
            ),
            pytest.param(
                {"json": ["Ada", "ada@example.com", SECRET]},
                [
                    {
                        "loc": ["body"],
                        "msg": "Input should be a valid dictionary or object to extract fields"
                        " from",
                        "type": "model_attributes_type",
                    }
                ],
                id="not_an_object",
            ),
        ],
    )
    async def test_422_lists_loc_msg_type_and_never_the_input(
        self,
        client: httpx.AsyncClient,
        request_kwargs: dict[str, Any],
        errors: list[dict[str, object]],
    ) -> None:
        response = await client.post("/auth/register", **request_kwargs)

        assert response.status_code == 422, response.text
        assert response.json() == {"detail": errors}
        assert all(item.keys() == {"loc", "msg", "type"} for item in response.json()["detail"])
        assert "hunter2" not in response.text
        assert SECRET not in response.text


class TestUnauthorized:
    @pytest.mark.parametrize(
        ("method", "path", "request_kwargs", "detail"),
        [
            pytest.param("GET", "/users/me", {}, "Not authenticated", id="me_without_token"),
            pytest.param(
                "GET",
                "/users/me",
                {"headers": {"Authorization": "Bearer x.y.z"}},
                "Invalid token",
                id="bad_token",
            ),
            pytest.param("GET", "/admin/users", {}, "Not authenticated", id="admin_without_token"),
            pytest.param(
                "POST",
                "/auth/login",
                {"json": {"email": "nobody@example.com", "password": SECRET}},
                "Invalid email or password",
                id="login_failure",
            ),
            pytest.param(
                "POST",
                "/auth/token",
                {"data": {"username": "nobody@example.com", "password": SECRET}},
                "Invalid email or password",
                id="token_failure",
            ),
        ],
    )
    async def test_every_401_carries_www_authenticate_bearer(
        self,
        client: httpx.AsyncClient,
        method: str,
        path: str,
        request_kwargs: dict[str, Any],
        detail: str,
    ) -> None:
        response = await client.request(method, path, **request_kwargs)

        assert response.status_code == 401, response.text
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert response.json() == {"detail": detail}
