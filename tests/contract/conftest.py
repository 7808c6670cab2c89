"""The contract layer's principal (an admin, on the Starlette TestClient's own event loop),
rows that exist, made through the API, so generated requests reach success paths too, and a
fake ISBN catalogue (no example may reach the real one)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.testclient import TestClient

from app.catalog.schemas import BookMetadata
from app.core.config import Settings
from app.users.models import User
from tests.factories import UserFactory, persist
from tests.factories.books import valid_isbn
from tests.support.fakes import FakeCatalog
from tests.support.host import bearer_headers
from tests.support.uploads import tiny_png


@pytest.fixture
def admin_client(
    sync_client: TestClient, session_dependency: Callable[..., Any], settings: Settings
) -> TestClient:
    """`sync_client` sending an admin's bearer token; the admin lives in the test's transaction.

    An admin, because it reaches every operation; it cannot destroy itself through the API
    (self-demotion and self-deactivation are 400), so one example cannot lock out the next.
    """
    portal = sync_client.portal
    assert portal is not None  # set while the TestClient is entered
    yield_session = sync_client.app.dependency_overrides[session_dependency]  # type: ignore[attr-defined]

    async def make_admin() -> User:
        sessions = yield_session()
        session: AsyncSession = await anext(sessions)
        try:
            admin: User = await persist(session, UserFactory, admin=True)
        finally:
            await sessions.aclose()
        return admin

    admin = portal.call(make_admin)
    sync_client.headers.update(bearer_headers(settings, admin))
    return sync_client


@dataclass(frozen=True)
class Existing:
    """Ids of rows the admin made before the examples run, by path parameter name."""

    ids: dict[str, int]


def _created(response: Any) -> int:
    assert response.status_code in {200, 201}, response.text
    identifier: int = response.json()["id"]
    return identifier


@pytest.fixture
def existing(admin_client: TestClient) -> Existing:
    """A book with a cover, an order of it, an uploaded file, and a customer, all the admin's."""
    book = {"title": "Dune", "author": "Frank Herbert", "isbn": valid_isbn(1), "price": 9.99}
    book_id = _created(admin_client.post("/books", json={**book, "stock": 50}))
    cover = admin_client.put(f"/books/{book_id}/cover", files={"file": ("c.png", tiny_png())})
    assert cover.status_code == 200, cover.text
    order = {"items": [{"book_id": book_id, "quantity": 1}]}
    upload = {"file": ("notes.txt", b"contract layer\n", "text/plain")}
    customer = {"name": "Shevek", "email": "shevek@example.com", "password": "anarres-odo-1"}
    return Existing(
        ids={
            "book_id": book_id,
            "order_id": _created(admin_client.post("/orders", json=order)),
            "file_id": _created(admin_client.post("/files/upload", files=upload)),
            "user_id": _created(admin_client.post("/auth/register", json=customer)),
        }
    )


KNOWN_ISBN = valid_isbn(1)


@pytest.fixture
def lookup_catalog(catalog: FakeCatalog) -> FakeCatalog:
    """The fake catalogue knows one ISBN (the existing book's), so lookups reach 200 and 404."""
    catalog.books[KNOWN_ISBN] = BookMetadata(
        isbn=KNOWN_ISBN, title="Dune", authors=["Frank Herbert"], publish_year=1965
    )
    return catalog
