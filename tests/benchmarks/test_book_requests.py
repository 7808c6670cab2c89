"""One in-process request through the whole app (middleware, routing, auth, database, JSON).

Driven by the kit's `sync_client` (TestClient, the app on its own loop in a thread), on the test's
rolled-back transaction: SQLite by default, PostgreSQL when DATABASE_URL says so. The rows made
here never outlive the test.
"""

import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

import pytest
from dirty_equals import IsInt, IsStr
from pytest_benchmark.fixture import BenchmarkFixture
from starlette.testclient import TestClient

from app.core.config import Settings
from app.core.security import TokenType, create_token
from tests.factories.books import valid_isbn

pytestmark = pytest.mark.benchmark

SEEDED_BOOKS = 36  # "a few dozen": more than one page of 20
PAGE = 20
# A fixed, generous number of rounds: on a shared machine the fastest rounds (the gate's `min`)
# are the ones no other process interfered with, and more rounds make catching some likelier.
ROUNDS = 200
Json = dict[str, Any]


class Response(Protocol):
    """What is read from a TestClient response (httpx2's, not the httpx the app imports)."""

    @property
    def status_code(self) -> int: ...
    @property
    def text(self) -> str: ...
    def json(self) -> Any: ...


def _book_body(number: int) -> Json:
    return {
        "title": f"Benchmark book {number}",
        "author": f"Author {number % 7}",
        "isbn": valid_isbn(number),
        "price": 9.99,
        "stock": 5,
    }


@pytest.fixture
def bearer(sync_client: TestClient, settings: Settings) -> dict[str, str]:
    """A registered customer's access token, minted directly (logging in is not measured)."""
    response = sync_client.post(
        "/auth/register",
        json={"name": "Bench", "email": "bench@example.com", "password": "correct horse 42"},
    )
    assert response.status_code == 201, response.text
    token = create_token(
        settings,
        subject=response.json()["id"],
        role="customer",
        token_type=TokenType.ACCESS,
        now=datetime.now(UTC),
    )
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def seeded_books(sync_client: TestClient, bearer: dict[str, str]) -> list[Json]:
    """The created books as the API returned them, oldest first."""
    books = []
    for number in range(1, SEEDED_BOOKS + 1):
        response = sync_client.post("/books", json=_book_body(number), headers=bearer)
        assert response.status_code == 201, response.text
        books.append(response.json())
    return books


def _measured(benchmark: BenchmarkFixture, request: Callable[[], Response]) -> Json | list[Json]:
    # pytest-benchmark 5.3 leaves `pedantic` unannotated.
    response = benchmark.pedantic(request, rounds=ROUNDS, warmup_rounds=5)  # type: ignore[no-untyped-call]
    assert response.status_code in {200, 201}, response.text
    body: Json | list[Json] = response.json()
    return body


def test_get_one_book(
    benchmark: BenchmarkFixture, sync_client: TestClient, seeded_books: list[Json]
) -> None:
    book = seeded_books[SEEDED_BOOKS // 2]
    body = _measured(benchmark, lambda: sync_client.get(f"/books/{book['id']}"))
    assert body == book


def test_list_a_page_of_books(
    benchmark: BenchmarkFixture, sync_client: TestClient, seeded_books: list[Json]
) -> None:
    body = _measured(benchmark, lambda: sync_client.get("/books", params={"limit": PAGE}))
    assert body == seeded_books[:PAGE]


def test_create_a_book(
    benchmark: BenchmarkFixture, sync_client: TestClient, bearer: dict[str, str]
) -> None:
    numbers = itertools.count(1)  # every round a new ISBN: a repeat would be a 409
    last: list[int] = []

    def create() -> Response:
        last[:] = [next(numbers)]
        return sync_client.post("/books", json=_book_body(last[0]), headers=bearer)

    body = _measured(benchmark, create)
    assert body == {
        **_book_body(last[0]),
        "id": IsInt(),
        "description": None,
        "owner_id": IsInt(),
        "cover_url": None,
        "created_at": IsStr(),
        "updated_at": IsStr(),
    }
