"""The catalogue adapter: one GET per ISBN through the app's shared `httpx.AsyncClient`.

Open Library-style: `GET {CATALOG_URL}/isbn/{isbn}.json` answers an edition record (200, after
a redirect on Open Library itself) or 404. Connection errors and 5xx are retried a bounded number
of times with exponential back-off; a 4xx other than 404, a read timeout or a malformed body is
not (the next attempt would get the same). A circuit breaker makes a dead catalogue cost one
failed check instead of a timeout per request. docs/outbound-services.md has the whole picture.
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, Self

import httpx
from pydantic import ValidationError

from app.catalog.breaker import CircuitBreaker
from app.catalog.exceptions import CatalogCircuitOpen, CatalogTimeout, CatalogUnavailable
from app.catalog.schemas import BookMetadata, CatalogEdition
from app.core.config import Settings

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]

# The request never reached the catalogue: safe to send again.
_CONNECTION_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout)


@dataclass(frozen=True, slots=True)
class CatalogPolicy:
    base_url: str
    timeout: httpx.Timeout
    retries: int
    backoff_seconds: float

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        return cls(
            base_url=settings.catalog_url.rstrip("/"),
            timeout=httpx.Timeout(
                settings.catalog_read_timeout_seconds,
                connect=settings.catalog_connect_timeout_seconds,
            ),
            retries=settings.catalog_retries,
            backoff_seconds=settings.catalog_retry_backoff_seconds,
        )


def build_breaker(settings: Settings) -> CircuitBreaker:
    """One per app: its state must outlive a request."""
    return CircuitBreaker(
        failure_threshold=settings.catalog_breaker_failures,
        cooldown=timedelta(seconds=settings.catalog_breaker_cooldown_seconds),
    )


class Catalog(Protocol):
    """What the lookup route needs; CatalogClient, or a fake in endpoint tests."""

    async def lookup(self, isbn: str) -> BookMetadata | None: ...


class CatalogClient:
    """`lookup(isbn)`: the book's metadata, None when the catalogue has none, or an error."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        policy: CatalogPolicy,
        breaker: CircuitBreaker,
        *,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._http = http
        self._policy = policy
        self._breaker = breaker
        self._clock = clock
        self._sleep = sleep

    async def lookup(self, isbn: str) -> BookMetadata | None:
        """`isbn` must already be normalised (13 digits): it becomes part of the URL."""
        if not self._breaker.allow(self._clock()):
            raise CatalogCircuitOpen
        try:
            metadata = _parse(isbn, await self._get(f"{self._policy.base_url}/isbn/{isbn}.json"))
        except (CatalogUnavailable, CatalogTimeout):
            self._breaker.record_failure(self._clock())
            raise
        except BaseException:
            # Cancelled (the client went away) or a bug: no verdict on the catalogue.
            self._breaker.abandon_trial()
            raise
        self._breaker.record_success()
        return metadata

    async def _get(self, url: str) -> httpx.Response:
        for attempt in range(self._policy.retries):
            try:
                return await self._send(url, final=False)
            except _Retry:
                await self._sleep(self._policy.backoff_seconds * 2**attempt)
        return await self._send(url, final=True)

    async def _send(self, url: str, *, final: bool) -> httpx.Response:
        try:
            response = await self._http.get(
                url, timeout=self._policy.timeout, follow_redirects=True
            )
        except _CONNECTION_ERRORS as exc:
            if not final:
                raise _Retry from exc
            if isinstance(exc, httpx.ConnectTimeout):
                raise CatalogTimeout from exc
            raise CatalogUnavailable(_unavailable("could not connect")) from exc
        except httpx.TimeoutException as exc:
            raise CatalogTimeout from exc
        except httpx.RequestError as exc:  # a broken connection, too many redirects, bad encoding
            raise CatalogUnavailable(_unavailable("the exchange failed")) from exc
        if response.is_server_error and not final:
            raise _Retry
        return response


class _Retry(Exception):
    """This attempt failed in a way worth another (connection error, 5xx)."""


def _unavailable(reason: str) -> str:
    return f"{CatalogUnavailable.detail} ({reason})"


def _parse(isbn: str, response: httpx.Response) -> BookMetadata | None:
    if response.status_code == httpx.codes.NOT_FOUND:
        return None
    if response.status_code != httpx.codes.OK:
        raise CatalogUnavailable(_unavailable(f"it answered {response.status_code}"))
    try:
        edition = CatalogEdition.model_validate_json(response.content)
    except ValidationError as exc:
        raise CatalogUnavailable(_unavailable("its answer was not a book record")) from exc
    return edition.to_metadata(isbn)
