"""Login limits (placeholder: issue 3 fills this in with the `limits` library)."""

from typing import Annotated

from fastapi import Depends, Request

from app.core.config import Settings


class LoginLimiter:
    """Counts login requests per client and failed logins per email."""

    async def check(self, client_key: str, email: str | None) -> None:
        """Raises TooManyRequests when either limit is used up."""

    async def record_failure(self, email: str | None) -> None:
        """Counts one failed login for `email`."""

    async def close(self) -> None:
        """Releases the storage (a Redis connection pool)."""


def build_login_limiter(settings: Settings) -> LoginLimiter:
    return LoginLimiter()


def get_login_limiter(request: Request) -> LoginLimiter:
    limiter: LoginLimiter = request.app.state.login_limiter
    return limiter


def client_key(request: Request) -> str:
    """The peer address (a trusted proxy's X-Forwarded-For: issue 3)."""
    return request.client.host if request.client else "unknown"


LoginLimiterDep = Annotated[LoginLimiter, Depends(get_login_limiter)]
ClientKey = Annotated[str, Depends(client_key)]
