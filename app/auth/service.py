"""Logging in: one Argon2 verify whatever the outcome, then a token pair."""

from dataclasses import dataclass
from datetime import datetime

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.exceptions import InvalidCredentials
from app.auth.rate_limit import LoginLimiter
from app.auth.schemas import TokenPair
from app.core.config import Settings
from app.core.security import Passwords, TokenType, create_token
from app.users import repository
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
    user = await repository.get_by_email(session, email) if email is not None else None
    if not passwords.verify(password, user.password_hash if user else None) or user is None:
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
        await self.limiter.check(client, email)
        try:
            user = await authenticate(self.session, self.passwords, email=email, password=password)
        except InvalidCredentials:
            await self.limiter.record_failure(email)
            raise
        return issue_tokens(self.settings, user, now=self.now)


def issue_tokens(settings: Settings, user: User, *, now: datetime) -> TokenPair:
    return TokenPair(
        access_token=create_token(
            settings, subject=user.id, role=user.role, token_type=TokenType.ACCESS, now=now
        ),
        refresh_token=create_token(
            settings, subject=user.id, role=user.role, token_type=TokenType.REFRESH, now=now
        ),
        expires_in=settings.access_token_minutes * 60,
    )
