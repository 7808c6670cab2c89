"""POST /orders: prices copied, totals exact, stock taken all-or-nothing, one event per order."""

from decimal import Decimal

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from tests.fixtures.auth import Principal
from tests.support.data import CreateBook, CreateUser
from tests.support.host import bearer_headers
from tests.support.payloads.orders import (
    BOOK_NOT_FOUND,
    NOT_AUTHENTICATED,
    insufficient_stock,
    item_rows,
    line,
    new_order,
    order_body,
    order_rows,
    record_events,
    stocks,
)


class TestPlaceOrder:
    @pytest.mark.parametrize(
        ("lines", "total"),
        [
            pytest.param([("19.99", 3)], "59.97", id="three_at_19_99"),
            pytest.param([("0.10", 1), ("0.20", 1)], "0.30", id="ten_and_twenty_cents"),
            pytest.param([("0.10", 3)], "0.30", id="three_at_ten_cents"),
            pytest.param([("0.01", 100), ("33.33", 3)], "100.99", id="cents_and_thirds"),
            pytest.param([("100000.00", 100)], "10000000.00", id="largest_line"),
        ],
    )
    @pytest.mark.auth("customer")
    async def test_returns_201_with_the_books_prices_and_an_exact_total(
        self,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        db_session: AsyncSession,
        lines: list[tuple[str, int]],
        total: str,
        principal: Principal,
    ) -> None:
        buyer = principal.user
        books = [await create_book(price=Decimal(price), stock=100) for price, _ in lines]
        quantities = [quantity for _, quantity in lines]
        book_ids = [book.id for book in books]

        response = await auth_client.post(
            "/orders",
            json=order_body(zip(book_ids, quantities, strict=True)),
        )

        assert response.status_code == 201, response.text
        expected_lines = [
            line(book_id, quantity, price)
            for book_id, (price, quantity) in zip(book_ids, lines, strict=True)
        ]
        assert response.json() == new_order(expected_lines, total)
        order_id = response.json()["id"]
        assert await order_rows(db_session) == [(order_id, buyer.id, "placed", Decimal(total))]
        assert await item_rows(db_session) == [
            (order_id, book_id, quantity, Decimal(price))
            for book_id, (price, quantity) in zip(book_ids, lines, strict=True)
        ]
        assert await stocks(db_session) == {
            book_id: 100 - quantity for book_id, quantity in zip(book_ids, quantities, strict=True)
        }

    @pytest.mark.auth("customer")
    async def test_lines_come_back_in_book_id_order_whatever_the_request_order(
        self,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
    ) -> None:
        first, second = await create_book(stock=3), await create_book(stock=3)

        response = await auth_client.post(
            "/orders",
            json=order_body([(second.id, 2), (first.id, 1)]),
        )

        assert response.status_code == 201, response.text
        assert response.json() == new_order(
            [line(first.id, 1, "19.99"), line(second.id, 2, "19.99")], "59.97"
        )

    @pytest.mark.auth("customer")
    async def test_taking_the_last_copies_leaves_stock_at_zero(
        self,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        db_session: AsyncSession,
    ) -> None:
        book = await create_book(stock=4, price=Decimal("5.25"))
        book_id = book.id

        response = await auth_client.post("/orders", json=order_body([(book_id, 4)]))

        assert response.status_code == 201, response.text
        assert response.json() == new_order([line(book_id, 4, "5.25")], "21.00")
        assert await stocks(db_session) == {book_id: 0}

    async def test_order_keeps_its_prices_when_the_book_price_changes(
        self,
        client: httpx.AsyncClient,
        create_user: CreateUser,
        create_book: CreateBook,
        settings: Settings,
    ) -> None:
        seller, buyer = await create_user(), await create_user()
        book = await create_book(owner=seller, price=Decimal("19.99"), stock=5)
        buyer_headers = bearer_headers(settings, buyer)
        placed = await client.post(
            "/orders", json=order_body([(book.id, 2)]), headers=buyer_headers
        )
        assert placed.status_code == 201, placed.text

        repriced = await client.patch(
            f"/books/{book.id}", json={"price": 25.5}, headers=bearer_headers(settings, seller)
        )
        assert repriced.status_code == 200, repriced.text

        response = await client.get(f"/orders/{placed.json()['id']}", headers=buyer_headers)
        assert response.status_code == 200, response.text
        assert response.json() == placed.json()
        assert response.json()["items"] == [line(book.id, 2, "19.99")]
        later = await client.post("/orders", json=order_body([(book.id, 1)]), headers=buyer_headers)
        assert later.status_code == 201, later.text
        assert later.json() == new_order([line(book.id, 1, "25.50")], "25.50")

    @pytest.mark.auth("customer")
    async def test_publishes_one_order_placed_event_for_the_buyer(
        self,
        app: FastAPI,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        principal: Principal,
    ) -> None:
        buyer = principal.user
        book = await create_book(stock=2)
        recorded = record_events(app.state)

        response = await auth_client.post("/orders", json=order_body([(book.id, 2)]))

        assert response.status_code == 201, response.text
        assert [event.message() for event in recorded.events] == [
            {"type": "order.placed", "order": response.json()}
        ]
        assert [event.recipient_id for event in recorded.events] == [buyer.id]


class TestPlaceOrderRefused:
    @pytest.mark.parametrize(
        "short_line",
        [
            pytest.param(0, id="first_line_short"),
            pytest.param(1, id="middle_line_short"),
            pytest.param(2, id="last_line_short"),
        ],
    )
    @pytest.mark.auth("customer")
    async def test_insufficient_stock_returns_409_and_changes_nothing(
        self,
        app: FastAPI,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        db_session: AsyncSession,
        short_line: int,
    ) -> None:
        books = [await create_book(stock=1 if i == short_line else 5) for i in range(3)]
        book_ids = [book.id for book in books]
        before = await stocks(db_session)
        recorded = record_events(app.state)

        response = await auth_client.post(
            "/orders",
            json=order_body((book_id, 2) for book_id in book_ids),
        )

        assert response.status_code == 409, response.text
        assert response.json() == insufficient_stock(book_ids[short_line])
        assert await stocks(db_session) == before
        assert await order_rows(db_session) == []
        assert await item_rows(db_session) == []
        assert recorded.events == []

    @pytest.mark.auth("customer")
    async def test_unknown_book_returns_404_and_changes_nothing(
        self,
        app: FastAPI,
        auth_client: httpx.AsyncClient,
        create_book: CreateBook,
        db_session: AsyncSession,
    ) -> None:
        book = await create_book(stock=5)
        book_id = book.id
        recorded = record_events(app.state)

        response = await auth_client.post(
            "/orders",
            json=order_body([(book_id, 2), (book_id + 1, 1)]),
        )

        assert response.status_code == 404, response.text
        assert response.json() == BOOK_NOT_FOUND
        assert await stocks(db_session) == {book_id: 5}
        assert await order_rows(db_session) == []
        assert recorded.events == []

    async def test_anonymous_gets_401(
        self, client: httpx.AsyncClient, create_book: CreateBook, db_session: AsyncSession
    ) -> None:
        book = await create_book(stock=5)
        book_id = book.id

        response = await client.post("/orders", json=order_body([(book_id, 1)]))

        assert response.status_code == 401, response.text
        assert response.json() == NOT_AUTHENTICATED
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert await stocks(db_session) == {book_id: 5}
        assert await order_rows(db_session) == []
