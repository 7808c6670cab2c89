"""The admin journey, with the admin made the way operators make one: the bootstrap settings.

The bootstrap runs in the app's lifespan on its own engine and really commits, so this module
runs on `committed_client` (every request its own committed session; the kit empties the tables
afterwards) instead of the rolled-back `client`, where the admin row would escape the rollback.
"""

from typing import Any

import httpx
import pytest
from dirty_equals import IsInt
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.books.models import Book
from app.core.config import Settings
from app.users.models import User
from tests.e2e.steps import UTC_TIMESTAMP, create_book, log_in, register

ADMIN_EMAIL = "Root@Bookstore.example.com"
ADMIN_PASSWORD = "bootstrap admin passphrase"


@pytest.fixture
def settings(settings: Settings, database_url: str) -> Settings:
    """The project's test settings plus the bootstrap admin (ADMIN_EMAIL / ADMIN_PASSWORD), and
    the real test database as the app's own: the bootstrap uses the app's engine, no override."""
    return settings.model_copy(
        update={
            "admin_email": ADMIN_EMAIL,
            "admin_password": SecretStr(ADMIN_PASSWORD),
            "database_url": database_url,
        }
    )


async def test_bootstrap_admin_lists_users_and_edits_a_customers_book(
    committed_client: httpx.AsyncClient, committed_db: async_sessionmaker[AsyncSession]
) -> None:
    client = committed_client

    # A `role` in the registration body is ignored: the newcomer is a customer...
    user = await register(client, "Ged", "ged@earthsea.example.com", role="admin")
    headers = await log_in(client, "ged@earthsea.example.com")
    # ...and is treated as one.
    response = await client.get("/admin/users", headers=headers)
    assert response.status_code == 403, response.text
    assert response.json() == {"detail": "Admin access required"}

    book = await create_book(
        client,
        headers,
        {
            "title": "A Wizard of Earthsea",
            "author": "Ursula K. Le Guin",
            "isbn": "978-0-451-52493-5",
            "price": 8.0,
            "stock": 2,
        },
    )
    assert book == {
        "id": IsInt(gt=0),
        "title": "A Wizard of Earthsea",
        "author": "Ursula K. Le Guin",
        "isbn": "9780451524935",
        "price": 8.0,
        "description": None,
        "stock": 2,
        "owner_id": user["id"],
        "cover_url": None,
        "created_at": UTC_TIMESTAMP,
        "updated_at": UTC_TIMESTAMP,
    }

    # The bootstrap admin logs in with the configured credentials.
    admin_headers = await log_in(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    response = await client.get("/users/me", headers=admin_headers)
    assert response.status_code == 200, response.text
    admin: dict[str, Any] = response.json()
    assert admin == {
        "id": IsInt(lt=user["id"]),
        "name": "Administrator",
        "email": "root@bookstore.example.com",
        "role": "admin",
        "is_active": True,
        "created_at": UTC_TIMESTAMP,
    }

    response = await client.get("/admin/users", headers=admin_headers)
    assert response.status_code == 200, response.text
    assert response.json() == [admin, user]
    assert response.headers["X-Total-Count"] == "2"

    response = await client.patch(
        f"/books/{book['id']}",
        json={"price": 6.5, "description": "Reduced."},
        headers=admin_headers,
    )
    assert response.status_code == 200, response.text
    edited = response.json()
    assert edited == {**book, "price": 6.5, "description": "Reduced.", "updated_at": UTC_TIMESTAMP}
    response = await client.get(f"/books/{book['id']}")
    assert response.status_code == 200, response.text
    assert response.json() == edited

    async with committed_db() as session:
        users = await session.execute(select(User.email, User.role).order_by(User.id))
        assert users.all() == [
            ("root@bookstore.example.com", "admin"),
            ("ged@earthsea.example.com", "customer"),
        ]
        books = await session.execute(select(Book.owner_id, Book.price))
        assert [(owner_id, str(price)) for owner_id, price in books.all()] == [(user["id"], "6.50")]
