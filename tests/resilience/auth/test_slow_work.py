"""Password hashing runs outside every database transaction (issue 15, finding 2).

Argon2 takes a fifth of a second in production. Inside a transaction it would hold SQLite's
one write lock (other requests wait, then fail "database is locked") or a pooled PostgreSQL
connection for that long. Each hash and verify of a live server here looks, from a connection
of its own, at whether any connection to the database is in a transaction at that moment.
"""

import asyncio
from collections.abc import AsyncIterator, Mapping

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import Settings
from app.main import create_app
from app.users.models import User
from tests.factories import TEST_PASSWORD, UserFactory, persist
from tests.support.held_passwords import HookedPasswords, Work
from tests.support.host import bearer_headers
from tests.support.live_server import Serve
from tests.support.open_transactions import transaction_open

REQUEST_DEADLINE_SECONDS = 30.0
NEW_PASSWORD = "a brand new passphrase"

Seen = list[tuple[Work, bool]]


@pytest.fixture
async def user(committed_db: async_sessionmaker[AsyncSession]) -> User:
    async with committed_db() as session:
        created: User = await persist(session, UserFactory, email="ada@example.com")
        return created


@pytest.fixture
def seen() -> Seen:
    """(work, whether a transaction was open while it started), for every hash and verify."""
    return []


def watched(app: FastAPI, database_url: str, seen: Seen) -> FastAPI:
    """`app`, each of its hashes and verifies first looking for an open transaction."""

    async def look(work: Work) -> None:
        seen.append((work, await asyncio.to_thread(transaction_open, database_url)))

    app.state.passwords = HookedPasswords(app.state.passwords, look)
    return app


@pytest.fixture
async def live_client(
    production_settings: Settings, database_url: str, serve: Serve, seen: Seen
) -> AsyncIterator[httpx.AsyncClient]:
    app = watched(create_app(production_settings), database_url, seen)
    async with httpx.AsyncClient(
        base_url=serve(app), timeout=REQUEST_DEADLINE_SECONDS
    ) as live_client:
        yield live_client


@pytest.mark.parametrize(
    ("email", "password", "status"),
    [
        pytest.param("ada@example.com", TEST_PASSWORD, 200, id="right_password"),
        pytest.param("ada@example.com", "not the password", 401, id="wrong_password"),
        pytest.param("nobody@example.com", "not the password", 401, id="unknown_email"),
    ],
)
async def test_login_checks_the_password_outside_any_transaction(
    live_client: httpx.AsyncClient, user: User, seen: Seen, email: str, password: str, status: int
) -> None:
    response = await live_client.post("/auth/login", json={"email": email, "password": password})

    assert response.status_code == status, response.text
    assert seen == [("verify", False)]


async def test_registration_hashes_outside_any_transaction(
    live_client: httpx.AsyncClient, seen: Seen
) -> None:
    body = {"name": "Grace", "email": "grace@example.com", "password": NEW_PASSWORD}

    response = await live_client.post("/auth/register", json=body)

    assert response.status_code == 201, response.text
    assert seen == [("hash", False)]


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        pytest.param(
            {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD},
            200,
            [("verify", False), ("hash", False)],
            id="password_changed",
        ),
        pytest.param(
            {"current_password": "not the password", "new_password": NEW_PASSWORD},
            400,
            [("verify", False)],
            id="wrong_current_password",
        ),
    ],
)
async def test_password_change_checks_and_hashes_outside_any_transaction(
    live_client: httpx.AsyncClient,
    production_settings: Settings,
    user: User,
    seen: Seen,
    body: Mapping[str, str],
    status: int,
    expected: Seen,
) -> None:
    response = await live_client.patch(
        "/users/me", json=body, headers=bearer_headers(production_settings, user)
    )

    assert response.status_code == status, response.text
    assert seen == expected


async def test_bootstrap_admin_is_hashed_outside_any_transaction(
    production_settings: Settings, database_url: str, serve: Serve, seen: Seen
) -> None:
    """At start-up (ADMIN_EMAIL, ADMIN_PASSWORD): several workers starting at once must not
    queue behind one another's hash."""
    bootstrap = production_settings.model_copy(
        update={"admin_email": "root@example.com", "admin_password": SecretStr(NEW_PASSWORD)}
    )

    serve(watched(create_app(bootstrap), database_url, seen))

    assert seen == [("hash", False)]
