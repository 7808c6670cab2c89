"""Who sees and cancels an order: its buyer and admins; anyone else gets a missing id's 404."""

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.orders.models import Order
from tests.fixtures.auth import Principals
from tests.support.data import CreateBook, CreateOrder
from tests.support.payloads.orders import (
    NOT_AUTHENTICATED,
    ORDER_NOT_FOUND,
    order_public,
    order_rows,
    stocks,
)


async def owners_order(
    principals: Principals, create_book: CreateBook, create_order: CreateOrder
) -> Order:
    """An order of the "owner" principal (two copies of a book that had 5), whoever calls."""
    owner = await principals.get("owner")
    book = await create_book(stock=5)
    return await create_order(buyer=owner.user, items=[(book, 2)])


def refusal(expected_status: int) -> dict[str, str]:
    return {401: NOT_AUTHENTICATED, 404: ORDER_NOT_FOUND}[expected_status]


class TestReadOrderPermissions:
    @pytest.mark.auth(anonymous=401, owner=200, other=404, admin=200)
    async def test_only_the_buyer_and_admins_see_an_order(
        self,
        auth_client: httpx.AsyncClient,
        principals: Principals,
        create_book: CreateBook,
        create_order: CreateOrder,
        expected_status: int,
    ) -> None:
        order = await owners_order(principals, create_book, create_order)
        expected = order_public(order)

        response = await auth_client.get(f"/orders/{order.id}")

        assert response.status_code == expected_status, response.text
        if expected_status == 200:
            assert response.json() == expected
        else:
            assert response.json() == refusal(expected_status)

    @pytest.mark.auth(anonymous=401, owner=404, other=404, admin=404)
    async def test_missing_order_gets_the_same_404(
        self,
        auth_client: httpx.AsyncClient,
        principals: Principals,
        create_book: CreateBook,
        create_order: CreateOrder,
        expected_status: int,
    ) -> None:
        order = await owners_order(principals, create_book, create_order)

        response = await auth_client.get(f"/orders/{order.id + 1}")

        assert response.status_code == expected_status, response.text
        assert response.json() == refusal(expected_status)


class TestCancelOrderPermissions:
    @pytest.mark.auth(anonymous=401, owner=200, other=404, admin=200)
    async def test_only_the_buyer_and_admins_may_cancel(
        self,
        auth_client: httpx.AsyncClient,
        principals: Principals,
        create_book: CreateBook,
        create_order: CreateOrder,
        expected_status: int,
        db_session: AsyncSession,
    ) -> None:
        order = await owners_order(principals, create_book, create_order)
        placed: dict[str, Any] = order_public(order)
        book_id, buyer_id = order.items[0].book_id, order.user_id

        response = await auth_client.post(f"/orders/{order.id}/cancel")

        assert response.status_code == expected_status, response.text
        if expected_status == 200:
            assert response.json() == {**placed, "status": "cancelled"}
            assert await stocks(db_session) == {book_id: 5}
        else:
            assert response.json() == refusal(expected_status)
            assert await stocks(db_session) == {book_id: 3}
        status = "cancelled" if expected_status == 200 else "placed"
        assert [row[:3] for row in await order_rows(db_session)] == [
            (placed["id"], buyer_id, status)
        ]
