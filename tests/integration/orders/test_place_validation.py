"""POST /orders bodies refused with 422 (nothing written), and unknown fields ignored."""

from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.fixtures.auth import Principal
from tests.support.data import CreateBook
from tests.support.payloads import NOT_AN_OBJECT
from tests.support.payloads.orders import line, new_order, order_rows, stocks

BOOK = -1  # stands for the arranged book's id in the bodies below


def error(loc: list[str | int], msg: str, kind: str) -> dict[str, Any]:
    return {"loc": ["body", *loc], "msg": msg, "type": kind}


def with_book(value: Any, book_id: int) -> Any:
    """`value` with every BOOK placeholder replaced by the real id."""
    if isinstance(value, dict):
        return {key: with_book(item, book_id) for key, item in value.items()}
    if isinstance(value, list):
        return [with_book(item, book_id) for item in value]
    return book_id if value == BOOK else value


class TestPlaceOrderValidation:
    @pytest.mark.parametrize(
        ("body", "errors"),
        [
            pytest.param(
                {"items": []},
                [
                    error(
                        ["items"],
                        "List should have at least 1 item after validation, not 0",
                        "too_short",
                    )
                ],
                id="no_items",
            ),
            pytest.param(
                {"items": [{"book_id": n, "quantity": 1} for n in range(1, 52)]},
                [
                    error(
                        ["items"],
                        "List should have at most 50 items after validation, not 51",
                        "too_long",
                    )
                ],
                id="fifty_one_items",
            ),
            pytest.param(
                {"items": [{"book_id": BOOK, "quantity": 0}]},
                [
                    error(
                        ["items", 0, "quantity"],
                        "Input should be greater than or equal to 1",
                        "greater_than_equal",
                    )
                ],
                id="quantity_zero",
            ),
            pytest.param(
                {"items": [{"book_id": BOOK, "quantity": 101}]},
                [
                    error(
                        ["items", 0, "quantity"],
                        "Input should be less than or equal to 100",
                        "less_than_equal",
                    )
                ],
                id="quantity_101",
            ),
            pytest.param(
                {"items": [{"book_id": BOOK, "quantity": 1}, {"book_id": BOOK, "quantity": 2}]},
                [
                    error(
                        [],
                        "Value error, each book may appear only once in an order",
                        "value_error",
                    )
                ],
                id="same_book_twice",
            ),
            pytest.param(
                {"items": [{"book_id": 0, "quantity": 1}]},
                [
                    error(
                        ["items", 0, "book_id"],
                        "Input should be greater than or equal to 1",
                        "greater_than_equal",
                    )
                ],
                id="book_id_zero",
            ),
            pytest.param(
                {"items": [0.5]},
                [error(["items", 0], NOT_AN_OBJECT["msg"], NOT_AN_OBJECT["type"])],
                id="fraction_for_a_line",
            ),
            pytest.param({}, [error(["items"], "Field required", "missing")], id="no_items_field"),
            pytest.param(
                {"items": None},
                [error(["items"], "Input should be a valid list", "list_type")],
                id="null_items",
            ),
        ],
    )
    @pytest.mark.auth("customer")
    async def test_invalid_body_returns_422_and_changes_nothing(
        self,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        db_session: AsyncSession,
        body: dict[str, Any],
        errors: list[dict[str, Any]],
    ) -> None:
        book = await create_book(stock=200)
        book_id = book.id

        response = await auth_client.post("/orders", json=with_book(body, book_id))

        assert response.status_code == 422, response.text
        assert response.json() == {"detail": errors}
        assert await stocks(db_session) == {book_id: 200}
        assert await order_rows(db_session) == []

    @pytest.mark.auth("customer")
    async def test_unknown_fields_are_ignored(
        self,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        db_session: AsyncSession,
        principal: Principal,
    ) -> None:
        buyer = principal.user
        book = await create_book(stock=5)

        response = await auth_client.post(
            "/orders",
            json={
                "items": [{"book_id": book.id, "quantity": 1, "unit_price": 0.01}],
                "status": "cancelled",
                "total": 0,
                "user_id": buyer.id + 1,
            },
        )

        assert response.status_code == 201, response.text
        assert response.json() == new_order([line(book.id, 1, "19.99")], "19.99")
        order_id = response.json()["id"]
        assert await order_rows(db_session) == [(order_id, buyer.id, "placed", Decimal("19.99"))]
