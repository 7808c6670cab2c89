"""Every list endpoint sends as many statements for 20 rows as for 1 (issue 18, query budgets).

Each is run with 1 row and with 20 by the kit's `assert_no_n_plus_one`, so an N+1 introduced
later (a lazy load per row, a query per row in a service) fails here, its statements listed. The
count itself is pinned too: the same number on SQLite and on PostgreSQL, where the read path's
prebuilt statements skip SQLAlchemy and reach the count through `record_statement`
(tests/support/host.py). A new list endpoint must join `ENDPOINTS`: the last test finds them all
in the OpenAPI document.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from tests.fixtures.auth import Principal, Principals
from tests.fixtures.queries import assert_no_n_plus_one
from tests.support.data import CreateBook, CreateOrder, CreateUser


@dataclass(frozen=True, slots=True)
class Data:
    """The data fixtures a row maker uses, and the caller the rows may belong to."""

    create_user: CreateUser
    create_book: CreateBook
    create_order: CreateOrder
    caller: Principal


Maker = Callable[[Data, int], Awaitable[object]]


async def books(data: Data, count: int) -> None:
    for number in range(count):
        await data.create_book(title=f"Dune {number}", author="Frank Herbert")


async def own_orders(data: Data, count: int) -> None:
    for _ in range(count):
        await data.create_order(buyer=data.caller.user)


async def everyones_orders(data: Data, count: int) -> None:
    for _ in range(count):
        await data.create_order()  # a new buyer each


async def users(data: Data, count: int) -> None:
    for _ in range(count):
        await data.create_user(name="Reader")


@dataclass(frozen=True, slots=True)
class ListEndpoint:
    path: str
    caller: str  # a principal of tests/support/host.py
    add: Maker
    statements: int  # with 20 rows, the same on SQLite and on PostgreSQL
    params: dict[str, str] = field(default_factory=dict)
    listed: tuple[int, int] = (1, 20)  # rows in the page with 1 row added, then 20


# With 20 rows: a page is SAVEPOINT (the test session's, its last one released by the rows'
# commit), a count and the page; orders add their items (one selectin load); a signed-in caller
# adds SAVEPOINT, SELECT and RELEASE: the bearer dependency's look-up, a transaction of its own.
ENDPOINTS = [
    pytest.param(ListEndpoint("/books", "anonymous", books, 3), id="books"),
    pytest.param(
        ListEndpoint("/books", "anonymous", books, 3, {"sort": "title"}), id="books_sorted"
    ),
    pytest.param(ListEndpoint("/books", "anonymous", books, 3, {"q": "dune"}), id="books_search"),
    pytest.param(
        ListEndpoint("/books", "anonymous", books, 3, {"author": "herbert"}), id="books_by_author"
    ),
    pytest.param(ListEndpoint("/orders", "customer", own_orders, 7), id="own_orders"),
    pytest.param(
        ListEndpoint("/orders", "admin", everyones_orders, 7, {"all": "true"}), id="all_orders"
    ),
    pytest.param(ListEndpoint("/admin/users", "admin", users, 6, listed=(2, 20)), id="admin_users"),
    pytest.param(
        ListEndpoint("/admin/users", "admin", users, 6, {"q": "reader"}), id="admin_users_search"
    ),
]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
async def test_a_list_endpoint_sends_as_many_statements_for_20_rows_as_for_1(
    endpoint: ListEndpoint,
    client: httpx.AsyncClient,
    db_session: AsyncSession,
    principals: Principals,
    create_user: CreateUser,
    create_book: CreateBook,
    create_order: CreateOrder,
) -> None:
    caller = await principals.get(endpoint.caller)
    data = Data(create_user, create_book, create_order, caller)

    async def add_rows(count: int) -> None:
        await endpoint.add(data, count)
        db_session.expunge_all()  # or the app's loads would find the rows without a query

    async def run() -> httpx.Response:
        return await client.get(endpoint.path, params=endpoint.params, headers=caller.headers)

    runs = await assert_no_n_plus_one(run, add_rows, info=f"GET {endpoint.path}")

    for response in (runs.first, runs.second):
        assert response.status_code == 200, response.text
    assert (len(runs.first.json()), len(runs.second.json())) == endpoint.listed
    assert len(runs.many) == endpoint.statements, runs.many.listing()


def test_every_list_endpoint_is_checked(fresh_app: FastAPI) -> None:
    listed: set[str] = set()
    for path, operations in fresh_app.openapi()["paths"].items():
        answer: dict[str, Any] = operations.get("get", {}).get("responses", {}).get("200", {})
        schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
        if schema.get("type") == "array":
            listed.add(path)

    checked = {param.values[0].path for param in ENDPOINTS}  # type: ignore[union-attr]
    assert listed == checked
