"""Steps the journeys share: register and log in through HTTP, and matchers for what comes back.

Journeys act only through the API, as a client would: no factories, no minted tokens.
"""

from typing import Any

import httpx
from dirty_equals import IsDatetime, IsInt, IsStr

PASSWORD = "a long journey passphrase"

# ISO 8601 in UTC with an explicit offset (API.md, General rules), and parseable as such.
UTC_TIMESTAMP = IsStr(regex=r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)") & IsDatetime(
    iso_string=True, enforce_tz=False
)
# Three base64url segments: header.payload.signature.
JWT = IsStr(regex=r"[\w-]+\.[\w-]+\.[\w-]+")


def token_pair() -> dict[str, Any]:
    """The whole body of a successful /auth/login or /auth/token (default 15-minute lifetime)."""
    return {"access_token": JWT, "refresh_token": JWT, "token_type": "bearer", "expires_in": 900}


def customer(name: str, email: str) -> dict[str, Any]:
    """The `UserPublic` of a freshly registered customer."""
    return {
        "id": IsInt(gt=0),
        "name": name,
        "email": email,
        "role": "customer",
        "is_active": True,
        "created_at": UTC_TIMESTAMP,
    }


async def register(
    client: httpx.AsyncClient, name: str, email: str, **extra: Any
) -> dict[str, Any]:
    """Registers a customer (any `extra` fields go into the body) and returns its `UserPublic`."""
    response = await client.post(
        "/auth/register", json={"name": name, "email": email, "password": PASSWORD, **extra}
    )
    assert response.status_code == 201, response.text
    user: dict[str, Any] = response.json()
    assert user == customer(name, email.lower())
    return user


async def log_in(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    """Logs in through /auth/login and returns the bearer headers for the access token."""
    response = await client.post("/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    assert tokens == token_pair()
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def create_book(
    client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any]
) -> dict[str, Any]:
    """Creates a book and returns its `BookPublic`; the caller asserts the whole payload."""
    response = await client.post("/books", json=body, headers=headers)
    assert response.status_code == 201, response.text
    book: dict[str, Any] = response.json()
    return book
