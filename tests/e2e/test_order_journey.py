from typing import Any

import httpx
from dirty_equals import IsInt

from app.notifications.mail import Mail
from tests.e2e.steps import UTC_TIMESTAMP, create_book, log_in, register
from tests.support.fakes import RecordingMailer

DUNE = {
    "title": "Dune",
    "author": "Frank Herbert",
    "isbn": "9780441013593",
    "price": 19.99,
    "stock": 5,
}


async def read_book(client: httpx.AsyncClient, book_id: int) -> dict[str, Any]:
    response = await client.get(f"/books/{book_id}")
    assert response.status_code == 200, response.text
    book: dict[str, Any] = response.json()
    return book


async def test_buyer_orders_two_copies_sees_the_order_and_cancels_it(
    client: httpx.AsyncClient, mailer: RecordingMailer
) -> None:
    seller = await register(client, "Irulan", "irulan@kaitain.example.com")
    seller_headers = await log_in(client, "irulan@kaitain.example.com")
    book = await create_book(client, seller_headers, DUNE)
    assert book == {
        **DUNE,
        "description": None,
        "id": IsInt(gt=0),
        "owner_id": seller["id"],
        "cover_url": None,
        "created_at": UTC_TIMESTAMP,
        "updated_at": UTC_TIMESTAMP,
    }
    await register(client, "Chani", "chani@sietch.example.com")
    buyer = await log_in(client, "chani@sietch.example.com")

    # Order two copies: the price is the book's, the total exact.
    response = await client.post(
        "/orders", json={"items": [{"book_id": book["id"], "quantity": 2}]}, headers=buyer
    )
    assert response.status_code == 201, response.text
    order = response.json()
    assert order == {
        "id": IsInt(gt=0),
        "status": "placed",
        "items": [{"book_id": book["id"], "quantity": 2, "unit_price": 19.99}],
        "total": 39.98,
        "created_at": UTC_TIMESTAMP,
    }

    # The buyer sees it, in the list and by id; the seller does not.
    response = await client.get("/orders", headers=buyer)
    assert response.status_code == 200, response.text
    assert response.json() == [order]
    assert response.headers["X-Total-Count"] == "1"
    response = await client.get(f"/orders/{order['id']}", headers=buyer)
    assert response.status_code == 200, response.text
    assert response.json() == order
    response = await client.get(f"/orders/{order['id']}", headers=seller_headers)
    assert response.status_code == 404, response.text
    assert response.json() == {"detail": "Order not found"}

    # Two copies left the shelf.
    assert await read_book(client, book["id"]) == {
        **book,
        "stock": 3,
        "updated_at": UTC_TIMESTAMP,
    }

    # Cancel: the order says so and the copies are back.
    response = await client.post(f"/orders/{order['id']}/cancel", headers=buyer)
    assert response.status_code == 200, response.text
    cancelled = {**order, "status": "cancelled"}
    assert response.json() == cancelled
    assert await read_book(client, book["id"]) == {**book, "stock": 5, "updated_at": UTC_TIMESTAMP}
    response = await client.get("/orders", headers=buyer)
    assert response.status_code == 200, response.text
    assert response.json() == [cancelled]

    # The mail the journey sent: a welcome to each, the order notice to the buyer only.
    assert mailer.sent == [
        Mail(
            to="irulan@kaitain.example.com",
            subject="Welcome to the bookstore",
            body="Hello Irulan, your account is ready.",
        ),
        Mail(
            to="chani@sietch.example.com",
            subject="Welcome to the bookstore",
            body="Hello Chani, your account is ready.",
        ),
        Mail(
            to="chani@sietch.example.com",
            subject=f"Your order {order['id']} is placed",
            body=f"Hello Chani, your order {order['id']} of 2 copies is placed; "
            "the total is 39.98.",
        ),
    ]
