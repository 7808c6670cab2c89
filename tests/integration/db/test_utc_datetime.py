"""Timestamps read back as the UTC instant written, aware and in UTC, whatever the process's
local time zone (SQLite stores them without an offset, PostgreSQL's driver gives them aware)."""

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncSession

from app.books.models import Book
from tests.support.data import CreateBook


@pytest.fixture
def local_time_in_new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's local zone five hours behind UTC in January, for this test only."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("local_time_in_new_york")
async def test_a_timestamp_reads_back_in_utc_under_another_local_zone(
    create_book: CreateBook, db_session: AsyncSession
) -> None:
    written = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)
    book = await create_book(created_at=written, updated_at=written)

    read = await db_session.scalar(select(Book.created_at).where(Book.id == book.id))

    assert read is not None
    assert (read, read.utcoffset()) == (written, timedelta(0))


async def test_a_naive_timestamp_is_refused_by_name_before_it_is_written(
    create_book: CreateBook,
) -> None:
    """A timestamp without an offset would be stored as if it were UTC: a caller's mistake."""
    with pytest.raises(StatementError) as refused:
        await create_book(created_at=datetime(2026, 1, 31, 12, 0))

    assert isinstance(refused.value.orig, ValueError)
    assert str(refused.value.orig) == "naive datetime given for a UTC column"
