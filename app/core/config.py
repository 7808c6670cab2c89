"""Settings from the environment (and `.env`), read once per app by `create_app`."""

import secrets
from enum import StrEnum
from typing import Annotated, Literal, Self
from urllib.parse import urlsplit

from fastapi import Depends
from limits import parse_many
from pydantic import BeforeValidator, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from starlette.requests import HTTPConnection

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./bookstore.db"
MIN_SECRET_KEY_LENGTH = 32
MAKE_KEY = "make one with: python -c 'import secrets; print(secrets.token_urlsafe(64))'"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


def _split_commas(value: object) -> object:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


# Environment variables as comma-separated lists (`CORS_ORIGINS=https://a.example,https://b`).
CommaList = Annotated[list[str], NoDecode, BeforeValidator(_split_commas)]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Environment = Environment.DEVELOPMENT
    database_url: str = DEFAULT_DATABASE_URL
    database_pool_size: int = Field(default=10, ge=1)
    database_echo: bool = False

    # Outside production a random key per process is fine: tokens die with the process.
    secret_key: SecretStr = Field(default_factory=lambda: SecretStr(secrets.token_urlsafe(64)))
    jwt_algorithm: str = "HS256"
    jwt_issuer: str = "bookstore"
    jwt_audience: str = "bookstore-api"
    access_token_minutes: int = Field(default=15, ge=1)
    refresh_token_days: int = Field(default=7, ge=1)

    admin_email: str | None = None
    admin_password: SecretStr | None = None

    # Rate limits and event fan-out use Redis when it is set (shared by every process).
    redis_url: str | None = None
    # The pub/sub channel domain events travel on (tests use one per test).
    events_channel: str = "bookstore:events"
    # `limits` notation: failed logins per email, and login requests per client address.
    login_failures_limit: str = "5 per 15 minutes"
    login_rate_limit: str = "20 per minute"
    # Registrations per client address, and Argon2 hashes running at once in one process (each
    # takes 64 MiB with production parameters; the rest wait): issue 15, finding 4.
    register_rate_limit: str = "10 per hour"
    max_concurrent_hashes: int = Field(default=2, ge=1)
    # Peers whose X-Forwarded-For is believed; anyone else is keyed by their own address.
    trusted_proxies: CommaList = []

    # WebSockets (issue 15, finding 6; docs/decisions.md): open sockets per client address in
    # each process (more are closed with 1013), and the bytes a socket's unsent frames may hold
    # before the client is closed as too slow (1008). At least one echo of the largest frame.
    ws_max_connections_per_client: int = Field(default=20, ge=1)
    ws_outbox_max_bytes: int = Field(default=256 * 1024, ge=128 * 1024)

    cors_origins: CommaList = []
    # Off: compression belongs to the reverse proxy (docs/decisions.md, "Middleware in one
    # layer"); on for a deployment that serves clients without one.
    gzip_enabled: bool = False
    max_body_bytes: int = Field(default=1024 * 1024, ge=1)
    docs_enabled: bool = True
    log_level: str = "INFO"
    # JSON in production, console elsewhere, unless set.
    log_format: Literal["json", "console"] | None = None

    # Uploaded files and covers live here, under server-made names.
    upload_dir: str = "uploads"
    max_upload_bytes: int = Field(default=10 * 1024 * 1024, ge=1)
    max_cover_bytes: int = Field(default=5 * 1024 * 1024, ge=1)

    # Unset: mail is written to the log. smtp://user:pass@host:port (STARTTLS when offered) or
    # smtps://... (TLS from the first byte); docs/outbound-services.md.
    smtp_url: SecretStr | None = None
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)
    mail_from: str = "bookstore@localhost"

    # The ISBN catalogue (GET /books/lookup/{isbn}): an Open Library-style JSON API.
    catalog_url: str = "https://openlibrary.org"
    catalog_connect_timeout_seconds: float = Field(default=2.0, gt=0)
    catalog_read_timeout_seconds: float = Field(default=5.0, gt=0)
    # Extra attempts after a connection error or a 5xx, waiting backoff * 2**n before each.
    catalog_retries: int = Field(default=2, ge=0, le=5)
    catalog_retry_backoff_seconds: float = Field(default=0.2, ge=0)
    # After this many failed lookups in a row, fail fast for the cool-down, then try once.
    catalog_breaker_failures: int = Field(default=5, ge=1)
    catalog_breaker_cooldown_seconds: float = Field(default=30.0, gt=0)

    @field_validator("catalog_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        """A bad catalogue URL fails at start-up, not as an error on every lookup."""
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError(f"expected an http(s) URL with a host, got {value!r}")
        return value

    @field_validator("login_failures_limit", "login_rate_limit", "register_rate_limit")
    @classmethod
    def _one_valid_limit(cls, value: str) -> str:
        """A bad limit fails at start-up, not on the first login."""
        try:
            items = parse_many(value)
        except ValueError as exc:
            raise ValueError(f"{exc}; expected e.g. '5 per 15 minutes' or '20/minute'") from exc
        if len(items) != 1:
            raise ValueError(f"expected exactly one limit, got {value!r}")
        if items[0].amount < 1:
            raise ValueError(f"a limit must allow at least one attempt, got {value!r}")
        return value

    @model_validator(mode="after")
    def _require_secret_in_production(self) -> Self:
        if self.environment is Environment.PRODUCTION and "secret_key" not in self.model_fields_set:
            raise ValueError(f"SECRET_KEY must be set when ENVIRONMENT=production ({MAKE_KEY})")
        if len(self.secret_key.get_secret_value()) < MIN_SECRET_KEY_LENGTH:
            raise ValueError(
                f"SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters ({MAKE_KEY})"
            )
        return self

    @property
    def signing_key(self) -> str:
        return self.secret_key.get_secret_value()

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def get_settings(connection: HTTPConnection) -> Settings:
    """The settings the running app was built with (override this in tests).

    `HTTPConnection`, not `Request`, so WebSocket routes can depend on it too."""
    settings: Settings = connection.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]
