"""The factory adapter: `persist` gives a row with its id and database values, `build` needs
no database at all."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from dirty_equals import IsDatetime, IsInt, IsStr
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import object_mapper

from app.books.models import Book
from app.users.models import User
from tests.factories import BookFactory, UserFactory, persist


def columns(instance: User | Book) -> dict[str, object]:
    mapper = object_mapper(instance)
    return {attribute.key: getattr(instance, attribute.key) for attribute in mapper.column_attrs}


async def test_persist_gives_the_row_its_id_and_utc_created_at(db_session: AsyncSession) -> None:
    user: User = await persist(db_session, UserFactory, name="Persisted", email="p@example.com")
    await db_session.refresh(user)  # read back what the database holds

    assert columns(user) == {
        "id": IsInt(gt=0),
        "name": "Persisted",
        "email": "p@example.com",
        "password_hash": IsStr(regex=r"\$argon2id\$.+"),
        "role": "customer",
        "is_active": True,
        "created_at": IsDatetime(approx=datetime.now(UTC), delta=timedelta(minutes=1)),
    }
    assert user.created_at.utcoffset() == timedelta(0)


def test_build_makes_an_unsaved_object_without_a_database() -> None:
    book: Book = BookFactory.build(
        title="Dune", author="Frank Herbert", isbn="9780441013593", owner_id=7
    )

    assert inspect(book).transient
    assert columns(book) == {
        "id": None,
        "title": "Dune",
        "author": "Frank Herbert",
        "isbn": "9780441013593",
        "price": Decimal("19.99"),
        "description": None,
        "stock": 10,
        "cover_storage_name": None,
        "cover_content_type": None,
        "cover_size": None,
        "cover_etag": None,
        "owner_id": 7,
        "created_at": None,
        "updated_at": None,
    }
