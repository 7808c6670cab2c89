"""Orders at the integer limits (issue 15): ids and quantities past their columns are 422,
the largest order is stored exactly, and a cancel that would push a book's stock past its
column is 409 and leaves the order placed and every stock as it was."""

from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.fixtures.auth import Principal
from tests.support.data import CreateBook, CreateOrder, CreateUser
from tests.support.payloads.orders import (
    BOOK_NOT_FOUND,
    item_rows,
    line,
    new_order,
    order_body,
    order_public,
    order_rows,
    stocks,
)

MAX_INT = 2**31 - 1  # PostgreSQL's integer columns: ids and stock


def stock_limit(book_id: int) -> dict[str, str]:
    return {"detail": f"Cannot cancel: the stock of book {book_id} would exceed {MAX_INT}"}


class TestPlaceAtTheLimits:
    @pytest.mark.auth("customer")
    async def test_largest_book_id_is_looked_up(
        self, auth_client: httpx.AsyncClient, db_session: AsyncSession
    ) -> None:
        response = await auth_client.post("/orders", json=order_body([(MAX_INT, 1)]))

        assert response.status_code == 404, response.text
        assert response.json() == BOOK_NOT_FOUND
        assert await order_rows(db_session) == []

    @pytest.mark.parametrize(
        ("field", "value", "bound"),
        [
            pytest.param("book_id", MAX_INT + 1, MAX_INT, id="book_id_int32_max_plus_1"),
            pytest.param("book_id", 2**63, MAX_INT, id="book_id_int64_max_plus_1"),
            pytest.param("quantity", 2**31, 100, id="quantity_int32_max_plus_1"),
            pytest.param("quantity", 2**63, 100, id="quantity_int64_max_plus_1"),
        ],
    )
    @pytest.mark.auth("customer")
    async def test_integer_past_its_bound_is_422(
        self,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        db_session: AsyncSession,
        field: str,
        value: int,
        bound: int,
    ) -> None:
        book = await create_book(stock=5)
        book_id = book.id
        item: dict[str, Any] = {"book_id": book_id, "quantity": 1, field: value}
        response = await auth_client.post("/orders", json={"items": [item]})

        assert response.status_code == 422, response.text
        assert response.json() == {
            "detail": [
                {
                    "loc": ["body", "items", 0, field],
                    "msg": f"Input should be less than or equal to {bound}",
                    "type": "less_than_equal",
                }
            ]
        }
        assert await stocks(db_session) == {book_id: 5}
        assert await order_rows(db_session) == []

    @pytest.mark.auth("customer")
    async def test_largest_order_is_stored_exactly(
        self,
        auth_client: httpx.AsyncClient,
        create_user: CreateUser,
        create_book: CreateBook,
        db_session: AsyncSession,
    ) -> None:
        """50 lines of 100 copies at the highest price: the largest total the API can take."""
        owner = await create_user()
        books = [
            await create_book(owner=owner, stock=MAX_INT, price=Decimal("100000.00"))
            for _ in range(50)
        ]
        book_ids = [book.id for book in books]
        response = await auth_client.post(
            "/orders", json=order_body((book_id, 100) for book_id in book_ids)
        )

        assert response.status_code == 201, response.text
        assert response.json() == new_order(
            [line(book_id, 100, "100000.00") for book_id in book_ids], "500000000.00"
        )
        assert await stocks(db_session) == dict.fromkeys(book_ids, MAX_INT - 100)
        assert [total for *_, total in await order_rows(db_session)] == [Decimal("500000000.00")]


class TestCancelAtTheLimit:
    @pytest.mark.auth("customer")
    async def test_restoring_stock_up_to_the_column_max_cancels(
        self,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        create_order: CreateOrder,
        db_session: AsyncSession,
        principal: Principal,
    ) -> None:
        buyer = principal.user
        book = await create_book(stock=MAX_INT)
        order = await create_order(buyer=buyer, items=[(book, 100)])
        book_id, expected = book.id, order_public(order, status="cancelled")

        response = await auth_client.post(f"/orders/{order.id}/cancel")

        assert response.status_code == 200, response.text
        assert response.json() == expected
        assert await stocks(db_session) == {book_id: MAX_INT}

    @pytest.mark.parametrize(
        "full_line",
        [pytest.param(0, id="first_line_full"), pytest.param(1, id="second_line_full")],
    )
    @pytest.mark.auth("customer")
    async def test_cancel_that_would_pass_the_column_max_is_409_and_changes_nothing(
        self,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        create_order: CreateOrder,
        db_session: AsyncSession,
        full_line: int,
        principal: Principal,
    ) -> None:
        buyer = principal.user
        books = [await create_book(stock=10), await create_book(stock=10)]
        order = await create_order(buyer=buyer, items=[(books[0], 2), (books[1], 3)])
        # Restocked to the maximum after the order took its copies.
        books[full_line].stock = MAX_INT
        await db_session.commit()
        before = await stocks(db_session)
        full_id, order_id = books[full_line].id, order.id
        placed = order_public(order)

        response = await auth_client.post(f"/orders/{order_id}/cancel")

        assert response.status_code == 409, response.text
        assert response.json() == stock_limit(full_id)
        assert await stocks(db_session) == before
        assert [status for _, _, status, _ in await order_rows(db_session)] == ["placed"]
        assert len(await item_rows(db_session)) == 2
        read = await auth_client.get(f"/orders/{order_id}")
        assert read.json() == placed
