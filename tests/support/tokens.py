"""Tokens for tests: real pairs through /auth/login, and forged ones to attack with."""

from datetime import UTC, datetime
from typing import Any

import httpx
import jwt
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.security import TokenType, token_lifetime
from app.users.models import RefreshToken, User
from tests.factories import TEST_PASSWORD


def claims(
    settings: Settings, user: User, token_type: TokenType, *, now: datetime | None = None
) -> dict[str, Any]:
    """What a valid token of `token_type` for `user` carries, to be tampered with."""
    issued = now or datetime.now(UTC)
    return {
        "sub": str(user.id),
        "role": user.role,
        "type": token_type.value,
        "iat": issued,
        "exp": issued + token_lifetime(settings, token_type),
        "jti": "0123456789abcdef",
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
    }


def sign(settings: Settings, payload: dict[str, Any]) -> str:
    return jwt.encode(payload, settings.signing_key, algorithm=settings.jwt_algorithm)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def log_in(client: httpx.AsyncClient, user: User) -> dict[str, Any]:
    """A real token pair for a factory-made user (its password is TEST_PASSWORD)."""
    response = await client.post(
        "/auth/login", json={"email": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 200, response.text
    pair: dict[str, Any] = response.json()
    return pair


def jti_of(token: str) -> str:
    jti: str = jwt.decode(token, options={"verify_signature": False})["jti"]
    return jti


async def revoked_by_jti(session: AsyncSession, user_id: int) -> dict[str, bool]:
    """Every recorded refresh token of the user: jti -> revoked?"""
    rows = await session.execute(
        select(RefreshToken.jti, RefreshToken.revoked_at).where(RefreshToken.user_id == user_id)
    )
    return {jti: revoked_at is not None for jti, revoked_at in rows}
