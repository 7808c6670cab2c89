"""`/books/lookup/{isbn}` (app/catalog) and the book routes (app/books) share `/books`, and
neither depends on which router the app tries first (issue 16, layers).

Technique: `app_factory` is overridden to build the production app and then move the catalog
router to the front or the end of its route table; every test runs on both. Before the book
routes with a second segment took digits only, the catalog router had to be included first: tried
last, its `/books/lookup/cover` was answered by `GET /books/{book_id}/cover` as a 422 about
`book_id`.
"""

from collections.abc import Callable
from decimal import Decimal

import httpx
import pytest
from fastapi import FastAPI
from starlette.routing import BaseRoute

from app import main
from app.catalog.router import router as catalog_router
from app.catalog.schemas import BookMetadata
from app.core.config import Settings
from tests.fixtures.auth import Principal
from tests.support.data import CreateBook
from tests.support.fakes import FakeCatalog
from tests.support.payloads.books import DUNE_ISBN, LONG_AGO, LONG_AGO_JSON


def from_catalog(route: BaseRoute) -> bool:
    # FastAPI keeps an included router as one route (`original_router`); older versions copied
    # the router's routes in, one by one.
    return (
        getattr(route, "original_router", None) is catalog_router
        or getattr(route, "path", None) == "/books/lookup/{isbn}"
    )


def with_catalog(application: FastAPI, *, first: bool) -> FastAPI:
    """The app with the catalog router's routes moved to the front (or the end) of its table."""
    routes = application.router.routes
    catalog = [route for route in routes if from_catalog(route)]
    assert len(catalog) == 1, "the catalog router is not where this test looks for it"
    others = [route for route in routes if not from_catalog(route)]
    routes[:] = [*catalog, *others] if first else [*others, *catalog]
    return application


@pytest.fixture(
    params=[pytest.param(True, id="catalog_first"), pytest.param(False, id="catalog_last")]
)
def app_factory(request: pytest.FixtureRequest, settings: Settings) -> Callable[[], FastAPI]:
    first: bool = request.param
    return lambda: with_catalog(main.create_app(settings), first=first)


@pytest.mark.auth("customer")
async def test_a_lookup_whose_isbn_reads_cover_is_answered_by_the_lookup(
    auth_client: httpx.AsyncClient, catalog: FakeCatalog, principal: Principal
) -> None:
    response = await auth_client.get("/books/lookup/cover")

    assert response.status_code == 422, response.text
    assert response.json() == {
        "detail": [
            {
                "loc": ["path", "isbn"],
                "msg": "Value error, ISBN must be 13 digits (hyphens and spaces allowed)",
                "type": "value_error",
            }
        ]
    }
    assert catalog.asked == []


@pytest.mark.auth("customer")
async def test_a_known_isbn_is_looked_up(
    auth_client: httpx.AsyncClient, catalog: FakeCatalog, principal: Principal
) -> None:
    catalog.books[DUNE_ISBN] = BookMetadata(isbn=DUNE_ISBN, title="Dune", authors=["Herbert"])

    response = await auth_client.get(f"/books/lookup/{DUNE_ISBN}")

    assert response.status_code == 200, response.text
    assert response.json() == {
        "isbn": DUNE_ISBN,
        "title": "Dune",
        "authors": ["Herbert"],
        "publish_year": None,
        "description": None,
    }
    assert catalog.asked == [DUNE_ISBN]


async def test_a_book_and_its_missing_cover_are_read(
    client: httpx.AsyncClient, create_book: CreateBook
) -> None:
    book = await create_book(
        title="Dune",
        author="Frank Herbert",
        isbn=DUNE_ISBN,
        price=Decimal("39.90"),
        description="Spice and sand.",
        stock=3,
        created_at=LONG_AGO,
        updated_at=LONG_AGO,
    )

    read = await client.get(f"/books/{book.id}")
    cover = await client.get(f"/books/{book.id}/cover")

    assert read.status_code == 200, read.text
    assert read.json() == {
        "id": book.id,
        "title": "Dune",
        "author": "Frank Herbert",
        "isbn": DUNE_ISBN,
        "price": 39.9,
        "description": "Spice and sand.",
        "stock": 3,
        "owner_id": book.owner_id,
        "cover_url": None,
        "created_at": LONG_AGO_JSON,
        "updated_at": LONG_AGO_JSON,
    }
    assert cover.status_code == 404, cover.text
    assert cover.json() == {"detail": "Book has no cover"}


@pytest.mark.parametrize("method", [pytest.param("GET", id="read"), pytest.param("PUT", id="put")])
async def test_a_cover_path_whose_book_id_is_no_number_is_404(
    client: httpx.AsyncClient, method: str
) -> None:
    # Digits only, as `/files/{file_id}`: no route has such a path (it was a 422 about book_id).
    response = await client.request(method, "/books/abc/cover")

    assert response.status_code == 404, response.text
    assert response.json() == {"detail": "Not Found"}
