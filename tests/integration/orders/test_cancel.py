"""POST /orders/{id}/cancel by the buyer (who else may: test_permissions.py)."""

from decimal import Decimal

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from tests.fixtures.auth import Principal
from tests.support.data import CreateBook, CreateUser
from tests.support.host import bearer_headers
from tests.support.payloads.orders import (
    ALREADY_CANCELLED,
    order_body,
    order_rows,
    stocks,
)


class TestCancelOrder:
    @pytest.mark.auth("customer")
    async def test_returns_200_cancelled_and_restores_every_stock_exactly(
        self,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        db_session: AsyncSession,
        principal: Principal,
    ) -> None:
        buyer = principal.user
        first, second = await create_book(stock=5), await create_book(stock=7)
        untouched = await create_book(stock=2)
        placed = await auth_client.post("/orders", json=order_body([(first.id, 2), (second.id, 7)]))
        assert placed.status_code == 201, placed.text
        assert await stocks(db_session) == {first.id: 3, second.id: 0, untouched.id: 2}

        response = await auth_client.post(f"/orders/{placed.json()['id']}/cancel")

        assert response.status_code == 200, response.text
        assert response.json() == {**placed.json(), "status": "cancelled"}
        assert await stocks(db_session) == {first.id: 5, second.id: 7, untouched.id: 2}
        assert await order_rows(db_session) == [
            (placed.json()["id"], buyer.id, "cancelled", Decimal("179.91"))
        ]
        read = await auth_client.get(f"/orders/{placed.json()['id']}")
        assert read.status_code == 200, read.text
        assert read.json() == response.json()

    @pytest.mark.auth("customer")
    async def test_second_cancel_returns_409_and_restores_stock_only_once(
        self,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        db_session: AsyncSession,
    ) -> None:
        book = await create_book(stock=5)
        book_id = book.id
        placed = await auth_client.post("/orders", json=order_body([(book_id, 3)]))
        assert placed.status_code == 201, placed.text
        cancel_url = f"/orders/{placed.json()['id']}/cancel"
        first = await auth_client.post(cancel_url)
        assert first.status_code == 200, first.text

        response = await auth_client.post(cancel_url)

        assert response.status_code == 409, response.text
        assert response.json() == ALREADY_CANCELLED
        assert await stocks(db_session) == {book_id: 5}
        read = await auth_client.get(f"/orders/{placed.json()['id']}")
        assert read.json() == {**placed.json(), "status": "cancelled"}

    async def test_cancelled_copies_can_be_ordered_again(
        self,
        client: httpx.AsyncClient,
        create_user: CreateUser,
        create_book: CreateBook,
        settings: Settings,
        db_session: AsyncSession,
    ) -> None:
        buyer, rival = await create_user(), await create_user()
        book = await create_book(stock=1)
        book_id = book.id
        headers = bearer_headers(settings, buyer)
        placed = await client.post("/orders", json=order_body([(book_id, 1)]), headers=headers)
        assert placed.status_code == 201, placed.text
        cancelled = await client.post(f"/orders/{placed.json()['id']}/cancel", headers=headers)
        assert cancelled.status_code == 200, cancelled.text

        response = await client.post(
            "/orders", json=order_body([(book_id, 1)]), headers=bearer_headers(settings, rival)
        )

        assert response.status_code == 201, response.text
        assert await stocks(db_session) == {book_id: 0}
