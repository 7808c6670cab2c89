from typing import Annotated

import httpx
from fastapi import Depends, Path, Request
from pydantic import AfterValidator

from app.books.isbn import ISBN_JSON_SCHEMA, normalise_isbn
from app.catalog.breaker import CircuitBreaker
from app.catalog.client import Catalog, CatalogClient, CatalogPolicy
from app.core.clock import NowDep
from app.core.config import SettingsDep

# The rule is checked by `normalise_isbn` (friendlier messages than a pattern mismatch) and
# published as ISBN_JSON_SCHEMA: the schema said nothing, and 422 surprised its clients (issue 15).
IsbnPath = Annotated[
    str,
    Path(
        description="ISBN-13; hyphens and spaces allowed",
        examples=["978-0-441-01359-3"],
        json_schema_extra=ISBN_JSON_SCHEMA,
    ),
    AfterValidator(normalise_isbn),
]


def get_http_client(request: Request) -> httpx.AsyncClient:
    """The app's one outbound HTTP client (connection pool), opened and closed by the lifespan."""
    http: httpx.AsyncClient = request.app.state.http_client
    return http


HttpClientDep = Annotated[httpx.AsyncClient, Depends(get_http_client)]


def get_catalog_breaker(request: Request) -> CircuitBreaker:
    breaker: CircuitBreaker = request.app.state.catalog_breaker
    return breaker


def get_catalog(
    http: HttpClientDep,
    settings: SettingsDep,
    breaker: Annotated[CircuitBreaker, Depends(get_catalog_breaker)],
    now: NowDep,
) -> Catalog:
    """The catalogue adapter (override this with a fake in endpoint tests)."""
    return CatalogClient(http, CatalogPolicy.from_settings(settings), breaker, clock=lambda: now)


CatalogDep = Annotated[Catalog, Depends(get_catalog)]
