"""Refresh-token rows by `jti` (app/users/repository.py): which token counts as revoked."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.users import repository
from tests.support.data import CreateUser

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


class TestRefreshTokenIsRevoked:
    """True only for this user's token `jti`, recorded and revoked: reuse detection revokes every
    token of the user on it (app/auth/service.py), so a false True logs a user out everywhere."""

    @pytest.fixture
    async def tokens(self, db_session: AsyncSession, create_user: CreateUser) -> tuple[int, int]:
        """Alice has `alice-live` and `alice-revoked`; Bob has `bob-revoked`."""
        alice, bob = await create_user(), await create_user()
        for jti, user_id in (
            ("alice-live", alice.id),
            ("alice-revoked", alice.id),
            ("bob-revoked", bob.id),
        ):
            repository.add_refresh_token(
                db_session, jti=jti, user_id=user_id, now=NOW, expires_at=NOW + timedelta(days=7)
            )
        await db_session.flush()
        for jti, user_id in (("alice-revoked", alice.id), ("bob-revoked", bob.id)):
            assert await repository.revoke_refresh_token(
                db_session, jti=jti, user_id=user_id, now=NOW
            )
        await db_session.commit()
        return alice.id, bob.id

    @pytest.mark.parametrize(
        ("jti", "revoked"),
        [
            pytest.param("alice-revoked", True, id="own_revoked"),
            pytest.param("alice-live", False, id="own_live"),
            pytest.param("bob-revoked", False, id="someone_elses_revoked"),
            pytest.param("never-recorded", False, id="unknown"),
        ],
    )
    async def test_only_the_users_own_revoked_token_counts(
        self, db_session: AsyncSession, tokens: tuple[int, int], jti: str, revoked: bool
    ) -> None:
        alice_id, _bob_id = tokens

        result = await repository.refresh_token_is_revoked(db_session, jti=jti, user_id=alice_id)

        assert result is revoked
