"""Refresh tokens by `jti`. Revocations are conditional UPDATEs: the database decides races."""

from datetime import datetime

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import RefreshToken


def add(
    session: AsyncSession, *, jti: str, user_id: int, now: datetime, expires_at: datetime
) -> None:
    session.add(RefreshToken(jti=jti, user_id=user_id, created_at=now, expires_at=expires_at))


async def revoke(session: AsyncSession, *, jti: str, user_id: int, now: datetime) -> bool:
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


async def is_revoked(session: AsyncSession, *, jti: str, user_id: int) -> bool:
    """True for a token of this user that exists and was revoked (as opposed to unknown)."""
    revoked = await session.scalar(
        select(RefreshToken.id).where(
            RefreshToken.jti == jti,
            RefreshToken.user_id == user_id,
            RefreshToken.revoked_at.is_not(None),
        )
    )
    return revoked is not None


async def revoke_all(session: AsyncSession, *, user_id: int, now: datetime) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
