"""PATCH /admin/users/{id} never leaves the API without an active admin (issue 15, API.md).

An admin cannot demote or deactivate themselves (400, test_admin_update_user.py), so with one
request at a time some other active admin always remains; what can take the last one away is
two admins removing each other at once. The check counts the active admins under a lock, in
the transaction that writes.
"""

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import Settings
from app.users.models import User
from tests.factories import UserFactory
from tests.support.data import CreateUser
from tests.support.host import bearer_headers
from tests.support.payloads.users import user_public
from tests.support.races import racing_session_class

LAST_ADMIN = {"detail": "The last active admin cannot be demoted or deactivated"}
ADMIN_REQUIRED = {"detail": "Admin access required"}
DEACTIVATED = {"detail": "Account is deactivated"}

REMOVALS = [
    pytest.param({"role": "customer"}, {"role": "customer"}, id="both_demote"),
    pytest.param({"is_active": False}, {"is_active": False}, id="both_deactivate"),
    pytest.param({"role": "customer"}, {"is_active": False}, id="demote_and_deactivate"),
]


async def active_admins(session: AsyncSession) -> list[int]:
    query = select(User.id).where(User.role == "admin", User.is_active).order_by(User.id)
    return list(await session.scalars(query))


async def test_removing_an_admin_the_database_counts_as_the_last_one_is_409(
    client: httpx.AsyncClient,
    db_session: AsyncSession,
    create_user: CreateUser,
    settings: Settings,
) -> None:
    """The losing side of the race, in one transaction: the caller was demoted after it was
    authenticated (its row changed behind the objects already loaded)."""
    caller, other = await create_user(admin=True), await create_user(admin=True)
    other_id = other.id  # the app's rollback expires the objects the test holds
    await db_session.execute(
        update(User)
        .where(User.id == caller.id)
        .values(role="customer")
        .execution_options(synchronize_session=False)
    )
    await db_session.commit()  # kept through the app's rollback, like the factories' rows

    response = await client.patch(
        f"/admin/users/{other_id}",
        json={"role": "customer"},
        headers=bearer_headers(settings, caller),
    )

    assert response.status_code == 409, response.text
    assert response.json() == LAST_ADMIN
    assert await active_admins(db_session) == [other_id]


@pytest.mark.parametrize(("first_body", "second_body"), REMOVALS)
async def test_two_admins_removing_each_other_at_once_leave_one(
    committed_client: httpx.AsyncClient,
    committed_db: async_sessionmaker[AsyncSession],
    settings: Settings,
    first_body: dict[str, Any],
    second_body: dict[str, Any],
) -> None:
    async with committed_db() as session:
        first: User = UserFactory.build(admin=True)
        second: User = UserFactory.build(admin=True)
        session.add_all([first, second])
        await session.commit()
    # From here on, the sessions committed_client hands to requests start together. On
    # PostgreSQL both requests also read their caller and target before either locks or
    # writes. SQLite lets one writer in at a time (BEGIN IMMEDIATE), so they cannot meet
    # there; the second request may then find its caller already removed.
    engine = committed_db.kw["bind"]
    concurrent = engine.dialect.name == "postgresql"
    committed_db.class_ = racing_session_class(parties=2, meet_at_commit=concurrent)

    responses = await asyncio.gather(
        committed_client.patch(
            f"/admin/users/{second.id}", json=first_body, headers=bearer_headers(settings, first)
        ),
        committed_client.patch(
            f"/admin/users/{first.id}", json=second_body, headers=bearer_headers(settings, second)
        ),
    )

    winner, loser = sorted(responses, key=lambda response: response.status_code)
    assert winner.status_code == 200, [response.text for response in responses]
    removed, kept = (second, first) if winner is responses[0] else (first, second)
    body = first_body if winner is responses[0] else second_body
    assert winner.json() == user_public(removed) | body
    refusals = [(409, LAST_ADMIN)]
    if not concurrent:  # or the loser's caller was removed before it was authenticated
        refusals.append((403, DEACTIVATED if "is_active" in body else ADMIN_REQUIRED))
    assert (loser.status_code, loser.json()) in refusals
    async with async_sessionmaker(engine)() as session:
        assert await active_admins(session) == [kept.id]
