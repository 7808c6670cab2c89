"""SAVEPOINTs really nest inside the test's transaction, and why SQLite needs the kit's recipe.

With the driver's own transaction handling (aiosqlite on Python 3.11) no BEGIN is sent, the
first SAVEPOINT opens the transaction, and RELEASE of it commits for good: an app's commit()
escapes the test's rollback. The kit's engines switch that off (`_own_sqlite_transactions`).
Each test runs on either backend and asserts what that backend must do.
"""

from collections.abc import Callable

import pytest
from sqlalchemy import make_url, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from app.users.models import User
from tests.factories import BookFactory, UserFactory
from tests.fixtures.database import make_engine, rolled_back_session
from tests.meta.support import committed_emails, delete_committed_users
from tests.support.data import CreateUser

ESCAPEE = "escapee@example.com"


async def emails(session: AsyncSession) -> list[str]:
    return list(await session.scalars(select(User.email).order_by(User.email)))


async def test_rolling_back_a_nested_savepoint_discards_only_its_own_write(
    db_session: AsyncSession, create_user: CreateUser
) -> None:
    await create_user(email="kept@example.com")

    nested = await db_session.begin_nested()
    db_session.add(UserFactory.build(email="discarded@example.com"))
    await db_session.flush()
    assert await emails(db_session) == ["discarded@example.com", "kept@example.com"]
    await nested.rollback()

    assert await emails(db_session) == ["kept@example.com"]


@pytest.mark.parametrize(
    ("engine_maker", "with_recipe"),
    [
        pytest.param(make_engine, True, id="kit_engine"),
        pytest.param(create_async_engine, False, id="plain_engine"),
    ],
)
async def test_app_commit_escapes_the_rollback_only_on_sqlite_without_the_recipe(
    database_url: str, engine_maker: Callable[..., AsyncEngine], with_recipe: bool
) -> None:
    escapes = make_url(database_url).get_backend_name() == "sqlite" and not with_recipe
    engine = engine_maker(database_url, poolclass=NullPool)
    try:
        async with rolled_back_session(engine, {"expire_on_commit": False}) as session:
            session.add(UserFactory.build(email=ESCAPEE))
            await session.commit()

        assert await committed_emails(database_url) == ([ESCAPEE] if escapes else [])
    finally:
        await delete_committed_users(database_url, ESCAPEE)
        await engine.dispose()


async def test_foreign_keys_are_enforced_on_every_backend(db_session: AsyncSession) -> None:
    """The recipe also turns SQLite's foreign keys on (PRAGMA foreign_keys)."""
    db_session.add(BookFactory.build(owner_id=999_999))

    with pytest.raises(IntegrityError, match=r"(?i)foreign key"):
        await db_session.flush()
