"""Integers a client sends in paths and queries are bounded by the column or bound parameter
they reach (issue 15): the largest id of a 32-bit key is looked up like any other, one past it
is a 422 that says the bound, never a driver error (PostgreSQL's int4 range, SQLite's 64 bits).

Bodies at their limits: tests/integration/books/test_limits.py, orders/test_limits.py.
"""

from typing import Any

import httpx
import pytest

from app.core.config import Settings
from tests.support.data import CreateUser
from tests.support.host import bearer_headers
from tests.support.payloads.books import DUNE
from tests.support.uploads import tiny_png

LARGEST = 2**31 - 1
PAST_THE_COLUMN = [
    pytest.param(LARGEST + 1, id="int32_max_plus_1"),
    pytest.param(2**63, id="int64_max_plus_1"),
]


def too_large(location: str, name: str) -> dict[str, Any]:
    return {
        "detail": [
            {
                "loc": [location, name],
                "msg": f"Input should be less than or equal to {LARGEST}",
                "type": "less_than_equal",
            }
        ]
    }


def cover() -> dict[str, Any]:
    return {"files": {"file": ("cover.png", tiny_png(), "image/png")}}


# (method, path with {} for the id, parameter name, request kwargs, 404 detail)
ID_ROUTES = [
    pytest.param("GET", "/books/{}", "book_id", {}, "Book not found", id="read_book"),
    pytest.param("PUT", "/books/{}", "book_id", {"json": DUNE}, "Book not found", id="put_book"),
    pytest.param("PATCH", "/books/{}", "book_id", {"json": {}}, "Book not found", id="patch_book"),
    pytest.param("DELETE", "/books/{}", "book_id", {}, "Book not found", id="delete_book"),
    pytest.param("GET", "/books/{}/cover", "book_id", {}, "Book not found", id="read_cover"),
    pytest.param(
        "PUT", "/books/{}/cover", "book_id", cover(), "Book not found", id="replace_cover"
    ),
    pytest.param("GET", "/orders/{}", "order_id", {}, "Order not found", id="read_order"),
    pytest.param("POST", "/orders/{}/cancel", "order_id", {}, "Order not found", id="cancel_order"),
    pytest.param(
        "PATCH", "/admin/users/{}", "user_id", {"json": {}}, "User not found", id="patch_user"
    ),
    pytest.param("GET", "/files/{}", "file_id", {}, "File not found", id="read_file"),
]
LISTS = [
    pytest.param("/books", id="books"),
    pytest.param("/orders", id="orders"),
    pytest.param("/admin/users", id="users"),
]


@pytest.fixture
async def as_admin(
    client: httpx.AsyncClient, create_user: CreateUser, settings: Settings
) -> httpx.AsyncClient:
    client.headers.update(bearer_headers(settings, await create_user(admin=True)))
    return client


class TestIdsInPaths:
    @pytest.mark.parametrize(("method", "path", "name", "kwargs", "not_found"), ID_ROUTES)
    async def test_largest_id_is_looked_up(
        self,
        as_admin: httpx.AsyncClient,
        method: str,
        path: str,
        name: str,
        kwargs: dict[str, Any],
        not_found: str,
    ) -> None:
        response = await as_admin.request(method, path.format(LARGEST), **kwargs)

        assert response.status_code == 404, response.text
        assert response.json() == {"detail": not_found}

    @pytest.mark.parametrize("value", PAST_THE_COLUMN)
    @pytest.mark.parametrize(("method", "path", "name", "kwargs", "not_found"), ID_ROUTES)
    async def test_id_past_the_column_is_422(
        self,
        as_admin: httpx.AsyncClient,
        method: str,
        path: str,
        name: str,
        kwargs: dict[str, Any],
        not_found: str,
        value: int,
    ) -> None:
        response = await as_admin.request(method, path.format(value), **kwargs)

        assert response.status_code == 422, response.text
        assert response.json() == too_large("path", name)


class TestSkip:
    @pytest.mark.parametrize("path", LISTS)
    async def test_largest_skip_is_an_empty_page(
        self, as_admin: httpx.AsyncClient, path: str
    ) -> None:
        response = await as_admin.get(path, params={"skip": str(LARGEST)})

        assert response.status_code == 200, response.text
        assert response.json() == []

    @pytest.mark.parametrize("value", PAST_THE_COLUMN)
    @pytest.mark.parametrize("path", LISTS)
    async def test_skip_past_the_bound_parameter_is_422(
        self, as_admin: httpx.AsyncClient, path: str, value: int
    ) -> None:
        response = await as_admin.get(path, params={"skip": str(value)})

        assert response.status_code == 422, response.text
        assert response.json() == too_large("query", "skip")
