from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import MAX_ID
from app.core.search import icontains
from app.users.models import Role, User


async def get(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id) if user_id <= MAX_ID else None


async def lock_active_admin_ids(session: AsyncSession) -> list[int]:
    """The active admins' ids, their rows locked until the transaction ends (FOR UPDATE on
    PostgreSQL, in id order so racing callers queue instead of deadlocking; SQLite's
    BEGIN IMMEDIATE already holds its one write lock). A row a racing transaction took out of
    the set is left out once that transaction commits."""
    query = (
        select(User.id)
        .where(User.role == Role.ADMIN.value, User.is_active)
        .order_by(User.id)
        .with_for_update()
    )
    return list(await session.scalars(query))


async def get_by_email(session: AsyncSession, email: str) -> User | None:
    result = await session.execute(select(User).where(User.email == email.lower()))
    return result.scalar_one_or_none()


def _search(q: str | None) -> list[ColumnElement[bool]]:
    if q is None:
        return []
    return [or_(icontains(User.name, q), icontains(User.email, q))]


async def list_page(
    session: AsyncSession, *, skip: int, limit: int, q: str | None
) -> tuple[Sequence[User], int]:
    filters = _search(q)
    total = await session.scalar(select(func.count()).select_from(User).where(*filters))
    result = await session.scalars(
        select(User).where(*filters).order_by(User.id).offset(skip).limit(limit)
    )
    return result.all(), total or 0
