"""Logging in: one Argon2 verify whatever the outcome, then a token pair."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.exceptions import InvalidCredentials
from app.auth.schemas import TokenPair
from app.core.config import Settings
from app.core.security import Passwords, TokenType, create_token
from app.users import repository
from app.users.exceptions import AccountDeactivated
from app.users.models import User


async def authenticate(
    session: AsyncSession, passwords: Passwords, *, email: str, password: str
) -> User:
    user = await repository.get_by_email(session, email)
    if not passwords.verify(password, user.password_hash if user else None) or user is None:
        raise InvalidCredentials
    if not user.is_active:
        raise AccountDeactivated
    return user


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
