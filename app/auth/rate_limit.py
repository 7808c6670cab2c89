"""Login limits (failed logins per email and login requests per client, API.md /auth/login) and
registrations per client (issue 15, finding 4).

All are moving windows from the `limits` library, in memory or, with REDIS_URL, in Redis so
that every process shares them. The moving window keeps the timestamps of the hits: "5 in 15
minutes" means exactly that at any moment, with no burst at a fixed window's edge, and time is
read by this process (so one clock, the app's, decides on both storages).
"""

import asyncio
import contextlib
import math
import time
from typing import Annotated, cast

from fastapi import Depends, Request, status
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.storage.redis.redispy import RedispyBridge
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio import Redis

from app.core.client_address import TrustedProxies
from app.core.config import Settings
from app.core.errors import AppError

DEFAULT_KEY_PREFIX = "bookstore:login"
REGISTRATION_KEY_PREFIX = "bookstore:register"


class RetryLater(AppError):
    """A 429 whose Retry-After header is this client's wait, in seconds."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS

    def __init__(self, retry_after: int) -> None:
        super().__init__(headers={"Retry-After": str(retry_after)})


class TooManyLoginAttempts(RetryLater):
    detail = "Too many login attempts, try again later"


class TooManyRegistrations(RetryLater):
    detail = "Too many registrations, try again later"


def _storage(settings: Settings, key_prefix: str) -> Storage:
    if settings.redis_url is None:
        return MemoryStorage()
    # redis-py's asyncio client (installed) rather than the default coredis.
    return RedisStorage(
        f"async+{settings.redis_url}", implementation="redispy", key_prefix=key_prefix
    )


async def _remove_newest(storage: Storage, key: str) -> None:
    """Removes the newest entry of a moving window; `limits` has no call for it, so this uses
    the two storages' layouts: a list per key, newest first, in memory and in Redis."""
    if isinstance(storage, MemoryStorage):
        async with storage.locks[key]:
            if entries := storage.events.get(key):
                del entries[0]
    elif isinstance(storage, RedisStorage) and isinstance(bridge := storage.bridge, RedispyBridge):
        await cast(Redis, bridge.get_connection()).lpop(bridge.prefixed_key(key))
    else:
        raise TypeError(f"no way to give a login attempt back on {type(storage).__name__}")


async def _stop_expiry(storage: MemoryStorage) -> None:
    """Ends the expiry pass the memory storage starts after its hits (a task of its own, which
    hops to a thread), so no task of the app outlives its lifespan."""
    expiry = storage.timer
    if expiry is not None and not expiry.done():
        expiry.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await expiry


class _MovingWindows:
    """Moving windows on one storage: what both limiters share."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._windows = MovingWindowRateLimiter(storage)

    async def _retry_after(self, item: RateLimitItem, *identifiers: str) -> int:
        """Whole seconds until the oldest hit has left the window.

        One past the floor rather than the ceiling: at the exact reset instant Redis still
        counts the oldest hit (memory does not), and a client that waits Retry-After must succeed.
        """
        stats = await self._windows.get_window_stats(item, *identifiers)
        return max(1, math.floor(stats.reset_time - time.time()) + 1)

    async def close(self) -> None:
        """Releases the storage (a Redis connection pool, or memory's expiry pass); safe to
        call twice, as both releases are (the test kit closes a limiter it swapped in twice)."""
        if isinstance(self.storage, MemoryStorage):
            await _stop_expiry(self.storage)
        if isinstance(self.storage, RedisStorage) and isinstance(
            bridge := self.storage.bridge, RedispyBridge
        ):
            await cast(Redis, bridge.get_connection()).aclose()


class LoginLimiter(_MovingWindows):
    """Counts login requests per client and failed logins per email."""

    def __init__(
        self,
        storage: Storage,
        *,
        failures: RateLimitItem,
        requests: RateLimitItem,
        trusted_proxies: TrustedProxies,
    ) -> None:
        super().__init__(storage)
        self.failures = failures
        self.requests = requests
        self.trusted_proxies = trusted_proxies

    async def admit(self, client_key: str, email: str | None) -> None:
        """Counts this request for the client and, before its password is checked, one failure
        for the email; raises TooManyLoginAttempts when either is used up (and counts nothing
        for the email then). `give_back` returns the failure once the password proved right.

        Counting first makes the limit hold under concurrency: each hit is atomic on both
        storages, so of any number of attempts at once at most the limit get their password
        checked (issue 15). Emails arrive normalised (lower-cased); a username that is no
        email has no failure counter of its own.
        """
        if not await self._windows.hit(self.requests, "client", client_key):
            raise TooManyLoginAttempts(await self._retry_after(self.requests, "client", client_key))
        if email is not None and not await self._windows.hit(self.failures, "email", email):
            raise TooManyLoginAttempts(await self._retry_after(self.failures, "email", email))

    async def give_back(self, email: str | None) -> None:
        """Takes back the failure `admit` counted for `email`: its password was right.

        The window's newest entry goes, which is this attempt's or one that came in while it
        was being checked: the lock can then end earlier by that difference, a check's length.
        """
        if email is not None:
            await _remove_newest(self.storage, self.failures.key_for("email", email))


class RegistrationLimiter(_MovingWindows):
    """Counts registration requests per client: each one costs an Argon2 hash (64 MiB, about
    0.2 s of CPU), and any anonymous client can send them (issue 15, finding 4)."""

    def __init__(self, storage: Storage, *, requests: RateLimitItem) -> None:
        super().__init__(storage)
        self.requests = requests

    async def admit(self, client_key: str) -> None:
        """Counts this request for the client, before anything is hashed; raises
        TooManyRegistrations when the client's budget is used up. Every request counts, a
        refused one (409, 422 after the body was read) too."""
        if not await self._windows.hit(self.requests, "client", client_key):
            raise TooManyRegistrations(await self._retry_after(self.requests, "client", client_key))


def build_login_limiter(
    settings: Settings, *, key_prefix: str = DEFAULT_KEY_PREFIX
) -> LoginLimiter:
    """The app's limiter; `key_prefix` namespaces its Redis keys (tests use one per test)."""
    return LoginLimiter(
        _storage(settings, key_prefix),
        failures=parse(settings.login_failures_limit),
        requests=parse(settings.login_rate_limit),
        trusted_proxies=TrustedProxies.parse(settings.trusted_proxies),
    )


def build_registration_limiter(
    settings: Settings, *, key_prefix: str = REGISTRATION_KEY_PREFIX
) -> RegistrationLimiter:
    """The app's registration limiter; keys apart from the login limiter's."""
    return RegistrationLimiter(
        _storage(settings, key_prefix), requests=parse(settings.register_rate_limit)
    )


def get_login_limiter(request: Request) -> LoginLimiter:
    limiter: LoginLimiter = request.app.state.login_limiter
    return limiter


LoginLimiterDep = Annotated[LoginLimiter, Depends(get_login_limiter)]


def get_registration_limiter(request: Request) -> RegistrationLimiter:
    limiter: RegistrationLimiter = request.app.state.registration_limiter
    return limiter


RegistrationLimiterDep = Annotated[RegistrationLimiter, Depends(get_registration_limiter)]


def client_key(request: Request, limiter: LoginLimiterDep) -> str:
    """The client's address: the peer, or a trusted proxy's X-Forwarded-For (client_address)."""
    return limiter.trusted_proxies.of(request)


ClientKey = Annotated[str, Depends(client_key)]
