"""`committed_db` commits for real, and the next test still starts from empty tables."""

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.pool import NullPool

from app.models import Base, User
from tests.factories import BookFactory, UserFactory
from tests.fixtures.committed import empty_tables
from tests.fixtures.database import make_engine
from tests.meta.support import committed_emails, committed_row_counts

EMAIL = "committed@example.com"


@pytest.mark.parametrize(
    "attempt", [pytest.param(1, id="first_writer"), pytest.param(2, id="second_writer")]
)
async def test_committed_rows_are_seen_elsewhere_and_gone_by_the_next_test(
    committed_db: async_sessionmaker[AsyncSession], database_url: str, attempt: int
) -> None:
    """Both cases commit the same email: whichever runs second would hit the unique key."""
    async with committed_db() as session:
        assert list(await session.scalars(select(User.email))) == []
        session.add(UserFactory.build(email=EMAIL, name=f"Attempt {attempt}"))
        await session.commit()

    assert await committed_emails(database_url) == [EMAIL]


async def test_empty_tables_empties_every_table_but_alembic_version(
    committed_db: async_sessionmaker[AsyncSession], database_url: str
) -> None:
    async with committed_db() as session:
        owner = UserFactory.build()
        session.add(owner)
        await session.flush()
        session.add(BookFactory.build(owner_id=owner.id))
        await session.commit()
    other_tables = dict.fromkeys(set(Base.metadata.tables) - {"books", "users"}, 0)
    assert await committed_row_counts(database_url) == {
        "alembic_version": 1,
        "books": 1,
        "users": 1,
        **other_tables,
    }

    engine = make_engine(database_url, poolclass=NullPool)
    try:
        await empty_tables(engine)
    finally:
        await engine.dispose()

    assert await committed_row_counts(database_url) == {
        "alembic_version": 1,
        **dict.fromkeys(Base.metadata.tables, 0),
    }
