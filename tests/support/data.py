"""Thin data fixtures over the factories: `await create_user(...)`, `await create_book(...)`."""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.books.models import Book
from app.users.models import User
from tests.factories import BookFactory, UserFactory, persist

CreateUser = Callable[..., Awaitable[User]]
CreateBook = Callable[..., Awaitable[Book]]


@pytest.fixture
def create_user(db_session: AsyncSession) -> CreateUser:
    async def create(**fields: Any) -> User:
        user: User = await persist(db_session, UserFactory, **fields)
        return user

    return create


@pytest.fixture
def create_book(db_session: AsyncSession, create_user: CreateUser) -> CreateBook:
    """A persisted book; its owner is a new customer unless `owner=` is given."""

    async def create(owner: User | None = None, **fields: Any) -> Book:
        owner = owner or await create_user()
        book: Book = await persist(db_session, BookFactory, owner_id=owner.id, **fields)
        return book

    return create
