from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, CursorResult, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import MAX_ID
from app.core.search import icontains
from app.users.models import RefreshToken, Role, User


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


# Refresh tokens by `jti`. Revocations are conditional UPDATEs: the database decides races.


def add_refresh_token(
    session: AsyncSession, *, jti: str, user_id: int, now: datetime, expires_at: datetime
) -> None:
    session.add(RefreshToken(jti=jti, user_id=user_id, created_at=now, expires_at=expires_at))


async def revoke_refresh_token(
    session: AsyncSession, *, jti: str, user_id: int, now: datetime
) -> bool:
    """Revokes the user's token `jti` if still active; False when it was not (or not theirs).

    One `UPDATE ... WHERE revoked_at IS NULL`: of two concurrent calls exactly one sees a row.
    """
    result: CursorResult[tuple[()]] = await session.execute(  # type: ignore[assignment]
        update(RefreshToken)
        .where(
            RefreshToken.jti == jti,
            RefreshToken.user_id == user_id,
            RefreshToken.revoked_at.is_(None),
        )
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def refresh_token_is_revoked(session: AsyncSession, *, jti: str, user_id: int) -> bool:
    """True for a token of this user that exists and was revoked (as opposed to unknown)."""
    revoked = await session.scalar(
        select(RefreshToken.id).where(
            RefreshToken.jti == jti,
            RefreshToken.user_id == user_id,
            RefreshToken.revoked_at.is_not(None),
        )
    )
    return revoked is not None


async def revoke_refresh_tokens(session: AsyncSession, *, user_id: int, now: datetime) -> None:
    """Revokes every active refresh token of the user."""
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
