"""DELETE /books/{id} and orders: a book with orders is kept for their history (409)."""

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.orders.models import OrderStatus
from tests.fixtures.auth import Principal
from tests.support.data import CreateBook, CreateOrder, CreateUser
from tests.support.host import bearer_headers
from tests.support.payloads.books import book_public, book_rows
from tests.support.payloads.orders import order_public

BOOK_HAS_ORDERS = {"detail": "Book has orders and is kept for their history"}


class TestDeleteBookWithOrders:
    @pytest.mark.parametrize(
        "status",
        [
            pytest.param(OrderStatus.PLACED, id="placed_order"),
            pytest.param(OrderStatus.CANCELLED, id="cancelled_order"),
        ],
    )
    async def test_book_with_orders_returns_409_and_is_kept(
        self,
        client: httpx.AsyncClient,
        create_user: CreateUser,
        create_book: CreateBook,
        create_order: CreateOrder,
        settings: Settings,
        db_session: AsyncSession,
        status: OrderStatus,
    ) -> None:
        owner, buyer = await create_user(), await create_user()
        book = await create_book(owner=owner, stock=5)
        order = await create_order(buyer=buyer, items=[(book, 2)], status=status)
        book_json, order_json = book_public(book), order_public(order)
        # Taken before the DELETE: the 409 comes from the RESTRICT key, and the app's rollback
        # expires the objects the test shares its session with.
        buyer_headers = bearer_headers(settings, buyer)

        response = await client.delete(
            f"/books/{book_json['id']}", headers=bearer_headers(settings, owner)
        )

        assert response.status_code == 409, response.text
        assert response.json() == BOOK_HAS_ORDERS
        fetched = await client.get(f"/books/{book_json['id']}")
        assert fetched.status_code == 200, fetched.text
        assert fetched.json() == book_json
        read = await client.get(f"/orders/{order_json['id']}", headers=buyer_headers)
        assert read.json() == order_json

    @pytest.mark.auth("admin")
    async def test_admin_gets_the_same_409(
        self,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        create_order: CreateOrder,
        db_session: AsyncSession,
    ) -> None:
        book = await create_book(stock=5)
        await create_order(items=[(book, 1)])
        book_id = book.id

        response = await auth_client.delete(f"/books/{book_id}")

        assert response.status_code == 409, response.text
        assert response.json() == BOOK_HAS_ORDERS
        assert [row["id"] for row in await book_rows(db_session)] == [book_id]

    @pytest.mark.auth("customer")
    async def test_book_without_orders_is_still_deleted_with_204(
        self,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        create_order: CreateOrder,
        db_session: AsyncSession,
        principal: Principal,
    ) -> None:
        owner = principal.user
        ordered = await create_book(owner=owner, stock=5)
        unordered = await create_book(owner=owner, stock=5)
        await create_order(items=[(ordered, 1)])
        ordered_id, unordered_id = ordered.id, unordered.id

        response = await auth_client.delete(f"/books/{unordered_id}")

        assert response.status_code == 204, response.text
        assert response.content == b""
        assert [row["id"] for row in await book_rows(db_session)] == [ordered_id]
