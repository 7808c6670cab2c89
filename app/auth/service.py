"""Logging in (one Argon2 verify whatever the outcome), refreshing and logging out.

Every refresh token is recorded by its `jti`; a refresh revokes the one it used.
"""

from dataclasses import dataclass
from datetime import datetime

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.exceptions import InvalidCredentials, TokenRejected
from app.auth.rate_limit import LoginLimiter
from app.auth.schemas import TokenPair
from app.core.config import Settings
from app.core.db import read_only
from app.core.security import (
    InvalidToken,
    Passwords,
    TokenClaims,
    TokenType,
    create_token,
    decode_token,
    new_jti,
    token_lifetime,
)
from app.users import repository as users
from app.users.exceptions import AccountDeactivated
from app.users.models import User
from app.users.schemas import Email

_EMAIL = TypeAdapter(Email)


def parse_login_email(username: str) -> str | None:
    """The OAuth2 form's username, normalised like a registration email; None if not an email."""
    try:
        return _EMAIL.validate_python(username)
    except ValidationError:
        return None


async def authenticate(
    session: AsyncSession, passwords: Passwords, *, email: str | None, password: str
) -> User:
    """The account, read in a transaction that is over before the slow Argon2 verify starts."""
    user = None
    if email is not None:
        async with read_only(session):
            user = await users.get_by_email(session, email)
    if not await passwords.verify(password, user.password_hash if user else None) or user is None:
        raise InvalidCredentials
    if not user.is_active:
        raise AccountDeactivated
    return user


@dataclass(frozen=True, slots=True)
class LoginService:
    """Logging in by email and password, shared by /auth/login and /auth/token."""

    session: AsyncSession
    passwords: Passwords
    limiter: LoginLimiter
    settings: Settings
    now: datetime

    async def log_in(self, *, client: str, email: str | None, password: str) -> TokenPair:
        # The attempt counts as a failure before its password is checked, and is given back
        # once the password proved right (a success, or a deactivated account's 403): a burst
        # of guesses gets no more checks than the limit (issue 15).
        await self.limiter.admit(client, email)
        try:
            user = await authenticate(self.session, self.passwords, email=email, password=password)
        except AccountDeactivated:
            await self.limiter.give_back(email)
            raise
        await self.limiter.give_back(email)
        pair = issue_tokens(self.session, self.settings, user, now=self.now)
        await self.session.commit()
        return pair


def issue_tokens(
    session: AsyncSession, settings: Settings, user: User, *, now: datetime
) -> TokenPair:
    """A new access and refresh pair; the refresh token's `jti` is added to the session.

    The caller commits, so a rotation revokes the old token and records the new one together.
    """
    jti = new_jti()
    users.add_refresh_token(
        session,
        jti=jti,
        user_id=user.id,
        now=now,
        expires_at=now + token_lifetime(settings, TokenType.REFRESH),
    )
    return TokenPair(
        access_token=create_token(
            settings, subject=user.id, role=user.role, token_type=TokenType.ACCESS, now=now
        ),
        refresh_token=create_token(
            settings,
            subject=user.id,
            role=user.role,
            token_type=TokenType.REFRESH,
            now=now,
            jti=jti,
        ),
        expires_in=settings.access_token_minutes * 60,
    )


@dataclass(frozen=True, slots=True)
class RefreshService:
    """Rotating refresh tokens (with reuse detection) and revoking one at logout."""

    session: AsyncSession
    settings: Settings
    now: datetime

    def _claims(self, token: str) -> TokenClaims:
        try:
            return decode_token(self.settings, token, expected=TokenType.REFRESH)
        except InvalidToken as exc:
            raise TokenRejected from exc

    async def refresh(self, token: str) -> TokenPair:
        claims = self._claims(token)
        user = await users.get(self.session, claims.subject)
        if user is None:
            raise TokenRejected
        if not user.is_active:
            raise AccountDeactivated
        if not await users.revoke_refresh_token(
            self.session, jti=claims.jti, user_id=user.id, now=self.now
        ):
            await self._revoke_all_on_reuse(claims, user)
            raise TokenRejected
        pair = issue_tokens(self.session, self.settings, user, now=self.now)
        await self.session.commit()
        return pair

    async def _revoke_all_on_reuse(self, claims: TokenClaims, user: User) -> None:
        """A revoked token shown again may be stolen: every token of its user goes.

        Committed here, before the 401 is raised: the request's session is rolled back on the
        way out, and would take the revocation with it (TUTORIAL-DEFECTS, Security).
        """
        if await users.refresh_token_is_revoked(self.session, jti=claims.jti, user_id=user.id):
            await users.revoke_refresh_tokens(self.session, user_id=user.id, now=self.now)
            await self.session.commit()

    async def log_out(self, user: User, token: str) -> None:
        """Revokes `token` if it is a live refresh token of `user`; anything else changes nothing.

        Someone else's token is left alone and answered like one's own (docs/decisions.md).
        """
        try:
            claims = decode_token(self.settings, token, expected=TokenType.REFRESH)
        except InvalidToken:
            return
        if await users.revoke_refresh_token(
            self.session, jti=claims.jti, user_id=user.id, now=self.now
        ):
            await self.session.commit()
