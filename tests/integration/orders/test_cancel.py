"""POST /orders/{id}/cancel by the buyer (who else may: test_permissions.py)."""

from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from tests.support.data import CreateBook, CreateUser
from tests.support.host import bearer_headers
from tests.support.payloads.orders import (
    ALREADY_CANCELLED,
    order_body,
    order_rows,
    stocks,
)


class TestCancelOrder:
    async def test_returns_200_cancelled_and_restores_every_stock_exactly(
        self,
        client: httpx.AsyncClient,
        create_user: CreateUser,
        create_book: CreateBook,
        settings: Settings,
        db_session: AsyncSession,
    ) -> None:
        buyer = await create_user()
        first, second = await create_book(stock=5), await create_book(stock=7)
        untouched = await create_book(stock=2)
        headers = bearer_headers(settings, buyer)
        placed = await client.post(
            "/orders", json=order_body([(first.id, 2), (second.id, 7)]), headers=headers
        )
        assert placed.status_code == 201, placed.text
        assert await stocks(db_session) == {first.id: 3, second.id: 0, untouched.id: 2}

        response = await client.post(f"/orders/{placed.json()['id']}/cancel", headers=headers)

        assert response.status_code == 200, response.text
        assert response.json() == {**placed.json(), "status": "cancelled"}
        assert await stocks(db_session) == {first.id: 5, second.id: 7, untouched.id: 2}
        assert await order_rows(db_session) == [
            (placed.json()["id"], buyer.id, "cancelled", Decimal("179.91"))
        ]
        read = await client.get(f"/orders/{placed.json()['id']}", headers=headers)
        assert read.status_code == 200, read.text
        assert read.json() == response.json()

    async def test_second_cancel_returns_409_and_restores_stock_only_once(
        self,
        client: httpx.AsyncClient,
        create_user: CreateUser,
        create_book: CreateBook,
        settings: Settings,
        db_session: AsyncSession,
    ) -> None:
        buyer = await create_user()
        book = await create_book(stock=5)
        book_id = book.id
        headers = bearer_headers(settings, buyer)
        placed = await client.post("/orders", json=order_body([(book_id, 3)]), headers=headers)
        assert placed.status_code == 201, placed.text
        cancel_url = f"/orders/{placed.json()['id']}/cancel"
        first = await client.post(cancel_url, headers=headers)
        assert first.status_code == 200, first.text

        response = await client.post(cancel_url, headers=headers)

        assert response.status_code == 409, response.text
        assert response.json() == ALREADY_CANCELLED
        assert await stocks(db_session) == {book_id: 5}
        read = await client.get(f"/orders/{placed.json()['id']}", headers=headers)
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
