"""Generated valid books, stock at its column's bounds included, written through the API on
the database of this run (PostgreSQL or SQLite) and read back exactly (issue 15).

The schema properties (test_schemas.py) say which bodies the API accepts; this one says the
database takes what the schemas let through: no integer past a column, no text a backend
cannot store. Every example gets its own rolled-back transaction, app and client
(`PortalExamples.isolated()`).
"""

from decimal import Decimal
from typing import Any

import httpx
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings

from app.core.config import Settings
from tests.factories import UserFactory, persist
from tests.fixtures.hypothesis import IsolatedExample, PortalExamples
from tests.property.strategies import (
    MAX_INT,
    UNICODE_WHITE_SPACE,
    any_stocks,
    book_create_bodies,
    book_update_bodies,
    is_valid_stock_oracle,
)
from tests.support.host import bearer_headers

# Each example starts an app and writes three times; the profiles' counts are sized for one
# call an example.
EXAMPLES = 15
DUNE = {"title": "Dune", "author": "Frank Herbert", "isbn": "9780441013593", "price": "9.99"}


def wire(body: dict[str, Any]) -> dict[str, Any]:
    """The body as JSON can carry it: a Decimal price is sent as its string."""
    return {key: str(value) if isinstance(value, Decimal) else value for key, value in body.items()}


def expected_fields(body: dict[str, Any]) -> dict[str, Any]:
    """What the contract says is stored for the fields of `body` (trimmed, bare ISBN...)."""
    fields: dict[str, Any] = {}
    for name, value in body.items():
        if name in {"title", "author"}:
            fields[name] = value.strip(UNICODE_WHITE_SPACE)
        elif name == "isbn":
            fields[name] = "".join(ch for ch in value if ch != "-" and not ch.isspace())
        elif name == "price":
            fields[name] = Decimal(str(value))
        else:
            fields[name] = value
    return fields


async def write_and_read(
    example: IsolatedExample, headers: dict[str, str], create: dict[str, Any], patch: dict[str, Any]
) -> list[httpx.Response]:
    client = example.client
    created = await client.post("/books", json=wire(create), headers=headers)
    if created.status_code != 201:
        return [created]
    url = f"/books/{created.json()['id']}"
    patched = await client.patch(url, json=wire(patch), headers=headers)
    return [created, patched, await client.get(url)]


async def create_then_patch(
    example: IsolatedExample, headers: dict[str, str], stock: int
) -> list[httpx.Response]:
    """POST a book with `stock`, then PATCH a stored book to it."""
    client = example.client
    created = await client.post("/books", json=DUNE | {"stock": stock}, headers=headers)
    other = await client.post("/books", json=DUNE | {"isbn": "9780441478125"}, headers=headers)
    assert other.status_code == 201, other.text
    url = f"/books/{other.json()['id']}"
    return [created, await client.patch(url, json={"stock": stock}, headers=headers)]


def as_json(response: httpx.Response) -> Any:
    return response.json(parse_float=Decimal)


def test_valid_books_are_stored_and_read_back_exactly(
    portal_examples: PortalExamples, settings: Settings
) -> None:
    @hypothesis_settings(max_examples=EXAMPLES)
    @given(create=book_create_bodies(), patch=book_update_bodies())
    @example(create=DUNE | {"stock": MAX_INT}, patch={"stock": MAX_INT}).via("column max")
    @example(create=DUNE | {"stock": 0}, patch={"stock": 0}).via("zero")
    def each_example(create: dict[str, Any], patch: dict[str, Any]) -> None:
        with portal_examples.isolated() as isolated:
            user = portal_examples.call(persist, isolated.session, UserFactory)
            responses = portal_examples.call(
                write_and_read, isolated, bearer_headers(settings, user), create, patch
            )

        created, patched, read = responses
        assert created.status_code == 201, created.text
        stored = {"description": None, "stock": 0} | expected_fields(create)
        assert {name: as_json(created)[name] for name in stored} == stored
        assert patched.status_code == 200, patched.text
        stored |= expected_fields(patch)
        assert {name: as_json(patched)[name] for name in stored} == stored
        assert read.status_code == 200, read.text
        assert read.json() == patched.json()

    each_example()


def test_stock_is_stored_iff_it_fits_its_column(
    portal_examples: PortalExamples, settings: Settings
) -> None:
    @hypothesis_settings(max_examples=EXAMPLES)
    @given(stock=any_stocks())
    @example(stock=MAX_INT + 1).via("one past the column")
    @example(stock=2**63).via("past 64 bits")
    def each_example(stock: int) -> None:
        with portal_examples.isolated() as isolated:
            user = portal_examples.call(persist, isolated.session, UserFactory)
            responses = portal_examples.call(
                create_then_patch, isolated, bearer_headers(settings, user), stock
            )

        for response, success in zip(responses, (201, 200), strict=True):
            if is_valid_stock_oracle(stock):
                assert response.status_code == success, response.text
                assert response.json()["stock"] == stock
            else:
                assert response.status_code == 422, response.text
                error = (
                    ("greater_than_equal", "greater than or equal to 0")
                    if stock < 0
                    else ("less_than_equal", f"less than or equal to {MAX_INT}")
                )
                assert response.json() == {
                    "detail": [
                        {
                            "loc": ["body", "stock"],
                            "msg": f"Input should be {error[1]}",
                            "type": error[0],
                        }
                    ]
                }

    each_example()
