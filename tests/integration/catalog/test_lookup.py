"""GET /books/lookup/{isbn} with a fake catalogue: the HTTP contract, not the adapter.

Technique: a dependency override. The `catalog` fixture (tests/support/fakes.py) puts a
`FakeCatalog` in place of `get_catalog`; the test fills its `books` or sets its `error`, then
asserts the whole response and what the fake was asked. The adapter's own behaviour (retries,
timeouts, the breaker) is tested in tests/unit/catalog; here only the mapping to HTTP.
"""

import httpx
import pytest

from app.catalog.exceptions import CatalogCircuitOpen, CatalogTimeout, CatalogUnavailable
from app.catalog.schemas import BookMetadata
from app.core.errors import AppError
from tests.fixtures.auth import Principal
from tests.support.fakes import FakeCatalog

DUNE = BookMetadata(
    isbn="9780441013593",
    title="Dune",
    authors=["Frank Herbert"],
    publish_year=1990,
    description="A desert planet.",
)
THIRTEEN_DIGITS = "ISBN must be 13 digits (hyphens and spaces allowed)"


@pytest.mark.auth("customer")
async def test_a_known_isbn_answers_its_metadata(
    auth_client: httpx.AsyncClient, catalog: FakeCatalog, principal: Principal
) -> None:
    catalog.books[DUNE.isbn] = DUNE

    response = await auth_client.get("/books/lookup/978-0-441-01359-3")

    assert response.status_code == 200, response.text
    assert response.json() == {
        "isbn": "9780441013593",
        "title": "Dune",
        "authors": ["Frank Herbert"],
        "publish_year": 1990,
        "description": "A desert planet.",
    }
    assert catalog.asked == ["9780441013593"]  # normalised before it leaves


@pytest.mark.auth("customer")
async def test_optional_fields_are_null_when_the_catalogue_lacks_them(
    auth_client: httpx.AsyncClient, catalog: FakeCatalog, principal: Principal
) -> None:
    catalog.books[DUNE.isbn] = BookMetadata(isbn=DUNE.isbn, title="Dune", authors=[])

    response = await auth_client.get(f"/books/lookup/{DUNE.isbn}")

    assert response.status_code == 200, response.text
    assert response.json() == {
        "isbn": DUNE.isbn,
        "title": "Dune",
        "authors": [],
        "publish_year": None,
        "description": None,
    }


@pytest.mark.auth("customer")
async def test_an_isbn_the_catalogue_does_not_have_is_404(
    auth_client: httpx.AsyncClient, catalog: FakeCatalog, principal: Principal
) -> None:
    response = await auth_client.get(f"/books/lookup/{DUNE.isbn}")

    assert response.status_code == 404, response.text
    assert response.json() == {"detail": "The catalogue has no book with this ISBN"}


@pytest.mark.auth("customer")
@pytest.mark.parametrize(
    ("error", "status", "detail"),
    [
        pytest.param(
            CatalogUnavailable("The book catalogue is unavailable (it answered 503)"),
            502,
            "The book catalogue is unavailable (it answered 503)",
            id="failed",
        ),
        pytest.param(
            CatalogCircuitOpen(),
            502,
            "The book catalogue is unavailable (failing fast after repeated failures)",
            id="breaker_open",
        ),
        pytest.param(
            CatalogTimeout(), 504, "The book catalogue did not answer in time", id="timed_out"
        ),
    ],
)
async def test_a_failing_catalogue_is_a_gateway_error_with_a_clear_detail(
    auth_client: httpx.AsyncClient,
    catalog: FakeCatalog,
    principal: Principal,
    error: AppError,
    status: int,
    detail: str,
) -> None:
    catalog.error = error

    response = await auth_client.get(f"/books/lookup/{DUNE.isbn}")

    assert response.status_code == status, response.text
    assert response.json() == {"detail": detail}


@pytest.mark.auth("customer")
@pytest.mark.parametrize(
    ("isbn", "message"),
    [
        pytest.param("9780441013594", "Value error, ISBN check digit is wrong", id="check_digit"),
        pytest.param("978044101359", f"Value error, {THIRTEEN_DIGITS}", id="twelve_digits"),
        pytest.param("cover", f"Value error, {THIRTEEN_DIGITS}", id="not_digits"),
    ],
)
async def test_an_invalid_isbn_is_422_and_the_catalogue_is_not_asked(
    auth_client: httpx.AsyncClient,
    catalog: FakeCatalog,
    principal: Principal,
    isbn: str,
    message: str,
) -> None:
    response = await auth_client.get(f"/books/lookup/{isbn}")

    assert response.status_code == 422, response.text
    assert response.json() == {
        "detail": [
            {
                "loc": ["path", "isbn"],
                "msg": message,
                "type": "value_error",
            }
        ]
    }
    assert catalog.asked == []


async def test_anonymous_gets_401_and_the_catalogue_is_not_asked(
    client: httpx.AsyncClient, catalog: FakeCatalog
) -> None:
    response = await client.get(f"/books/lookup/{DUNE.isbn}")

    assert response.status_code == 401, response.text
    assert response.json() == {"detail": "Not authenticated"}
    assert catalog.asked == []
