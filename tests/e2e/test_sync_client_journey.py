"""One journey through Starlette's TestClient: the sync path works end to end."""

from typing import Any

from dirty_equals import IsInt
from starlette.testclient import TestClient

from tests.e2e.steps import PASSWORD, UTC_TIMESTAMP, customer, token_pair


def test_sync_client_customer_registers_logs_in_and_lists_changes_and_removes_a_book(
    sync_client: TestClient,
) -> None:
    client = sync_client
    response = client.post(
        "/auth/register",
        json={"name": "Odo", "email": "odo@urras.example.com", "password": PASSWORD},
    )
    assert response.status_code == 201, response.text
    user: dict[str, Any] = response.json()
    assert user == customer("Odo", "odo@urras.example.com")

    response = client.post(
        "/auth/login", json={"email": "odo@urras.example.com", "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    assert response.json() == token_pair()
    headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
    response = client.get("/users/me", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json() == user

    response = client.get("/books")
    assert response.status_code == 200, response.text
    assert response.json() == []
    assert response.headers["X-Total-Count"] == "0"

    response = client.post(
        "/books",
        json={
            "title": "The Left Hand of Darkness",
            "author": "Ursula K. Le Guin",
            "isbn": "978-0-441-47812-5",
            "price": 15.0,
            "stock": 1,
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    book: dict[str, Any] = response.json()
    assert book == {
        "id": IsInt(gt=0),
        "title": "The Left Hand of Darkness",
        "author": "Ursula K. Le Guin",
        "isbn": "9780441478125",
        "price": 15.0,
        "description": None,
        "stock": 1,
        "owner_id": user["id"],
        "cover_url": None,
        "created_at": UTC_TIMESTAMP,
        "updated_at": UTC_TIMESTAMP,
    }

    response = client.get("/books", params={"q": "darkness"})
    assert response.status_code == 200, response.text
    assert response.json() == [book]
    assert response.headers["X-Total-Count"] == "1"

    response = client.patch(f"/books/{book['id']}", json={"price": 13.75}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json() == {**book, "price": 13.75, "updated_at": UTC_TIMESTAMP}

    response = client.delete(f"/books/{book['id']}", headers=headers)
    assert response.status_code == 204, response.text
    response = client.get(f"/books/{book['id']}")
    assert response.status_code == 404, response.text
    assert response.json() == {"detail": "Book not found"}
    response = client.get("/books")
    assert response.status_code == 200, response.text
    assert response.json() == []
    assert response.headers["X-Total-Count"] == "0"
