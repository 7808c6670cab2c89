import httpx
from dirty_equals import IsInt

from tests.e2e.steps import UTC_TIMESTAMP, create_book, log_in, register

NOT_AUTHORIZED = {"detail": "Not authorized"}


async def test_second_customer_cannot_change_or_delete_first_customers_book_but_owner_can(
    client: httpx.AsyncClient,
) -> None:
    owner = await register(client, "Shevek", "shevek@anarres.example.com")
    owner_headers = await log_in(client, "shevek@anarres.example.com")
    other = await register(client, "Takver", "takver@anarres.example.com")
    other_headers = await log_in(client, "takver@anarres.example.com")
    assert other["id"] != owner["id"]

    book = await create_book(
        client,
        owner_headers,
        {
            "title": "The Dispossessed",
            "author": "Ursula K. Le Guin",
            "isbn": "978-0-06-112008-4",
            "price": 11.5,
            "stock": 4,
        },
    )
    assert book == {
        "id": IsInt(gt=0),
        "title": "The Dispossessed",
        "author": "Ursula K. Le Guin",
        "isbn": "9780061120084",
        "price": 11.5,
        "description": None,
        "stock": 4,
        "owner_id": owner["id"],
        "cover_url": None,
        "created_at": UTC_TIMESTAMP,
        "updated_at": UTC_TIMESTAMP,
    }
    url = f"/books/{book['id']}"
    full_body = {
        "title": "Taken",
        "author": "Takver",
        "isbn": "978-0-451-52493-5",
        "price": 1.0,
    }

    # The other customer: every change is refused and nothing moves.
    response = await client.patch(url, json={"price": 0.5}, headers=other_headers)
    assert response.status_code == 403, response.text
    assert response.json() == NOT_AUTHORIZED
    response = await client.put(url, json=full_body, headers=other_headers)
    assert response.status_code == 403, response.text
    assert response.json() == NOT_AUTHORIZED
    response = await client.delete(url, headers=other_headers)
    assert response.status_code == 403, response.text
    assert response.json() == NOT_AUTHORIZED

    # Nobody logged in: 401 with the Bearer challenge, and still nothing moves.
    response = await client.delete(url)
    assert response.status_code == 401, response.text
    assert response.json() == {"detail": "Not authenticated"}
    assert response.headers["WWW-Authenticate"] == "Bearer"

    response = await client.get(url)
    assert response.status_code == 200, response.text
    assert response.json() == book

    # The owner can.
    response = await client.patch(url, json={"stock": 9}, headers=owner_headers)
    assert response.status_code == 200, response.text
    assert response.json() == {**book, "stock": 9, "updated_at": UTC_TIMESTAMP}
    response = await client.delete(url, headers=owner_headers)
    assert response.status_code == 204, response.text
    response = await client.get(url)
    assert response.status_code == 404, response.text
    assert response.json() == {"detail": "Book not found"}
