"""Overriding the current user: call an endpoint as someone, with no token at all.

Pattern: `with override(get_current_user, lambda: user):`. Every dependency built on it sees
that user (`CurrentUser`, and `AdminUser`, whose role check still runs), and no password, token
or login round trip is needed. Use it when a test is about what an endpoint does for a user,
not about authentication; the tests of tokens themselves mint real ones (tests/integration/users).

Pitfall avoided: an override written straight into `app.dependency_overrides` stays for every
later request of the test (and, on a shared module-level app, for every later test), so "the
next request is anonymous" silently stops being true. The `override` block removes it when the
block ends, and the fixture's teardown restores anything still set.

The user here is never stored. An endpoint that reads the user again from the database (or
writes a row pointing at it) needs a stored one: `user = await create_user()` and return that.
"""

from datetime import UTC, datetime

import httpx
import pytest

from app.users.dependencies import get_current_user
from app.users.models import Role, User
from tests.fixtures.app import Overrides


def someone(role: Role = Role.CUSTOMER) -> User:
    return User(
        id=7,
        name="Grace Hopper",
        email="grace@example.com",
        password_hash="-",
        role=role.value,
        is_active=True,
        created_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    )


async def test_overridden_user_is_the_caller_only_inside_the_block(
    client: httpx.AsyncClient, override: Overrides
) -> None:
    user = someone()

    with override(get_current_user, lambda: user):
        inside = await client.get("/users/me")
    after = await client.get("/users/me")

    assert inside.status_code == 200, inside.text
    assert inside.json() == {
        "id": 7,
        "name": "Grace Hopper",
        "email": "grace@example.com",
        "role": "customer",
        "is_active": True,
        "created_at": "2026-01-02T03:04:05Z",
    }
    assert after.status_code == 401, after.text
    assert after.json() == {"detail": "Not authenticated"}


@pytest.mark.parametrize(
    ("role", "status", "body"),
    [
        pytest.param(Role.CUSTOMER, 403, {"detail": "Admin access required"}, id="customer"),
        pytest.param(Role.ADMIN, 200, [], id="admin"),
    ],
)
async def test_role_checks_built_on_the_current_user_still_run(
    client: httpx.AsyncClient, override: Overrides, role: Role, status: int, body: object
) -> None:
    user = someone(role)
    override(get_current_user, lambda: user)

    response = await client.get("/admin/users")

    assert response.status_code == status, response.text
    assert response.json() == body
