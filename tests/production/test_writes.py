"""A write that fails part-way leaves every row as it was, in the app as production wires it
(issue 21): read back through a connection of the test's own, not through the app.

Under the kit's rolled-back session these pass whatever engine the app's write sessions are on;
only the app's own engine and sessionmaker show a write that committed statement by statement.
"""

from collections.abc import Awaitable, Callable

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.support.host import bearer_headers
from tests.support.payloads.orders import insufficient_stock, order_body
from tests.support.production import (
    Deployed,
    Rows,
    changed_rows,
    committed_book,
    committed_user,
)


async def test_an_order_with_a_line_out_of_stock_answers_409_and_takes_no_stock(
    committed_db: async_sessionmaker[AsyncSession],
    deployed: Deployed,
    deployed_client: httpx.AsyncClient,
    rows_as_stored: Callable[[], Awaitable[Rows]],
) -> None:
    buyer = await committed_user(committed_db)
    owner = await committed_user(committed_db)
    in_stock = await committed_book(committed_db, owner, stock=5)
    short = await committed_book(committed_db, owner, stock=1)
    before = await rows_as_stored()

    response = await deployed_client.post(
        "/orders",
        json=order_body([(in_stock.id, 2), (short.id, 3)]),
        headers=bearer_headers(deployed.settings, buyer),
    )

    assert (response.status_code, response.json()) == (409, insufficient_stock(short.id))
    assert changed_rows(before, await rows_as_stored()) == {}


async def test_a_book_update_to_a_taken_isbn_answers_409_and_changes_no_row(
    committed_db: async_sessionmaker[AsyncSession],
    deployed: Deployed,
    deployed_client: httpx.AsyncClient,
    rows_as_stored: Callable[[], Awaitable[Rows]],
) -> None:
    owner = await committed_user(committed_db)
    taken = await committed_book(committed_db, owner)
    changed = await committed_book(committed_db, owner)
    before = await rows_as_stored()

    response = await deployed_client.patch(
        f"/books/{changed.id}",
        json={"title": "Renamed", "isbn": taken.isbn},
        headers=bearer_headers(deployed.settings, owner),
    )

    assert (response.status_code, response.json()) == (
        409,
        {"detail": f"Book with ISBN {taken.isbn} already exists"},
    )
    assert changed_rows(before, await rows_as_stored()) == {}
