"""Password hashing (pwdlib, Argon2) and JWT access/refresh tokens (PyJWT)."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, TypeVar

import anyio
import jwt
from fastapi import Depends, Request
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from starlette.concurrency import run_in_threadpool

from app.core.config import Environment, Settings

T = TypeVar("T")


class TokenType(StrEnum):
    ACCESS = "access"
    REFRESH = "refresh"


class InvalidToken(Exception):
    """The token is malformed, forged, expired, of the wrong type or for another audience."""


class Passwords:
    """Hashes and verifies passwords; verifies against a dummy hash when there is no user.

    Argon2 costs about 0.2 s of CPU with production parameters, so it runs in a worker thread
    (argon2-cffi releases the GIL): on the event loop it stalled every other request of the
    worker during sign-ups (found by the load tests, docs/load-tests.md).

    Each hash also takes 64 MiB while it runs, so at most `max_concurrent` run at once and the
    rest wait their turn: 40 registrations at once took a worker from 117 MiB to 2.6 GiB
    (issue 15, finding 4; docs/benchmarks.md, "Registration burst").
    """

    def __init__(self, hasher: Argon2Hasher, *, max_concurrent: int) -> None:
        self._hash = PasswordHash((hasher,))
        self._dummy_hash = self._hash.hash("dummy password for timing")
        # anyio's, not asyncio's: it binds to no event loop, and an app may be served by more
        # than one in turn (the test clients).
        self._slots = anyio.Semaphore(max_concurrent)

    @property
    def waiting(self) -> int:
        """Hashes and verifies waiting for a slot at this moment."""
        return self._slots.statistics().tasks_waiting

    async def hash(self, password: str) -> str:
        return await self._in_slot(self._hash.hash, password)

    async def verify(self, password: str, password_hash: str | None) -> bool:
        """Always does one Argon2 verify, so unknown users cost the same time as wrong passwords."""
        return await self._in_slot(self._verify, password, password_hash)

    async def _in_slot(self, work: Callable[..., T], *args: object) -> T:
        async with self._slots:
            return await run_in_threadpool(work, *args)

    def _verify(self, password: str, password_hash: str | None) -> bool:
        if password_hash is None:
            self._hash.verify(password, self._dummy_hash)
            return False
        return self._hash.verify(password, password_hash)


def password_hasher(settings: Settings) -> Argon2Hasher:
    if settings.environment is Environment.TEST:
        # Cheap parameters keep the suite fast; never used outside ENVIRONMENT=test.
        return Argon2Hasher(time_cost=1, memory_cost=8, parallelism=1)
    return Argon2Hasher()


def build_passwords(settings: Settings) -> Passwords:
    return Passwords(password_hasher(settings), max_concurrent=settings.max_concurrent_hashes)


def get_passwords(request: Request) -> Passwords:
    """The app's one `Passwords` (its slots are shared by every request)."""
    passwords: Passwords = request.app.state.passwords
    return passwords


PasswordsDep = Annotated[Passwords, Depends(get_passwords)]


@dataclass(frozen=True, slots=True)
class TokenClaims:
    subject: int
    role: str
    token_type: TokenType
    jti: str
    expires_at: datetime


def token_lifetime(settings: Settings, token_type: TokenType) -> timedelta:
    if token_type is TokenType.ACCESS:
        return timedelta(minutes=settings.access_token_minutes)
    return timedelta(days=settings.refresh_token_days)


def new_jti() -> str:
    return uuid.uuid4().hex


def create_token(
    settings: Settings,
    *,
    subject: int,
    role: str,
    token_type: TokenType,
    now: datetime,
    jti: str | None = None,
) -> str:
    """A signed token; pass `jti` when the caller records it (refresh tokens are tracked)."""
    payload: dict[str, Any] = {
        "sub": str(subject),
        "role": role,
        "type": token_type.value,
        "iat": now,
        "exp": now + token_lifetime(settings, token_type),
        "jti": jti or new_jti(),
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
    }
    return jwt.encode(payload, settings.signing_key, algorithm=settings.jwt_algorithm)


def decode_token(settings: Settings, token: str, *, expected: TokenType) -> TokenClaims:
    try:
        payload = jwt.decode(
            token,
            settings.signing_key,
            algorithms=[settings.jwt_algorithm],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["sub", "role", "type", "iat", "exp", "jti", "iss", "aud"]},
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    if payload["type"] != expected.value:
        raise InvalidToken(f"expected a {expected.value} token")
    subject = payload["sub"]
    if not isinstance(subject, str) or not (subject.isascii() and subject.isdigit()):
        raise InvalidToken("subject is not a user id")
    return TokenClaims(
        subject=int(subject),
        role=str(payload["role"]),
        token_type=expected,
        jti=str(payload["jti"]),
        expires_at=datetime.fromtimestamp(payload["exp"], UTC),
    )
