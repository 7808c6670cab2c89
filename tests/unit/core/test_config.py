from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from app import main
from app.core.config import DEFAULT_DATABASE_URL, Environment, Settings

PRODUCTION_KEY = "a-production-signing-key-of-a-sensible-length-0123456789"


@pytest.fixture(autouse=True)
def no_settings_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests build Settings from arguments alone, whatever the shell or CI exported."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)


class TestSettings:
    def test_defaults_match_the_documented_ones(self) -> None:
        settings = Settings(_env_file=None)

        assert settings.model_dump(exclude={"secret_key"}) == {
            "environment": Environment.DEVELOPMENT,
            "database_url": DEFAULT_DATABASE_URL,
            "database_pool_size": 10,
            "database_echo": False,
            "jwt_algorithm": "HS256",
            "jwt_issuer": "bookstore",
            "jwt_audience": "bookstore-api",
            "access_token_minutes": 15,
            "refresh_token_days": 7,
            "admin_email": None,
            "admin_password": None,
            "redis_url": None,
            "events_channel": "bookstore:events",
            "login_failures_limit": "5 per 15 minutes",
            "login_rate_limit": "20 per minute",
            "register_rate_limit": "10 per hour",
            "max_concurrent_hashes": 2,
            "trusted_proxies": [],
            "ws_max_connections_per_client": 20,
            "ws_outbox_max_bytes": 256 * 1024,
            "cors_origins": [],
            "gzip_enabled": False,
            "max_body_bytes": 1024 * 1024,
            "docs_enabled": True,
            "log_level": "INFO",
            "log_format": None,
            "upload_dir": "uploads",
            "max_upload_bytes": 10 * 1024 * 1024,
            "max_cover_bytes": 5 * 1024 * 1024,
            "smtp_url": None,
            "smtp_timeout_seconds": 10.0,
            "mail_from": "bookstore@localhost",
            "catalog_url": "https://openlibrary.org",
            "catalog_connect_timeout_seconds": 2.0,
            "catalog_read_timeout_seconds": 5.0,
            "catalog_retries": 2,
            "catalog_retry_backoff_seconds": 0.2,
            "catalog_breaker_failures": 5,
            "catalog_breaker_cooldown_seconds": 30.0,
        }

    def test_production_without_secret_key_is_refused(self) -> None:
        with pytest.raises(
            ValidationError, match="SECRET_KEY must be set when ENVIRONMENT=production"
        ):
            Settings(_env_file=None, environment=Environment.PRODUCTION)

    def test_production_from_environment_without_secret_key_is_refused(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("ENVIRONMENT", "production")

        with pytest.raises(
            ValidationError, match="SECRET_KEY must be set when ENVIRONMENT=production"
        ):
            Settings(_env_file=None)

    @pytest.mark.parametrize(
        "key",
        [
            pytest.param("", id="empty"),
            pytest.param("x", id="one_character"),
            pytest.param("k" * 31, id="one_short_of_32"),
        ],
    )
    @pytest.mark.parametrize(
        "environment",
        [pytest.param(env, id=env.value) for env in Environment],
    )
    def test_a_short_secret_key_is_refused(self, key: str, environment: Environment) -> None:
        with pytest.raises(ValidationError, match="SECRET_KEY must be at least 32 characters"):
            Settings(_env_file=None, environment=environment, secret_key=SecretStr(key))

    def test_a_32_character_secret_key_is_enough(self) -> None:
        settings = Settings(
            _env_file=None, environment=Environment.PRODUCTION, secret_key=SecretStr("k" * 32)
        )

        assert settings.signing_key == "k" * 32

    def test_production_with_secret_key_uses_it(self) -> None:
        settings = Settings(
            _env_file=None, environment=Environment.PRODUCTION, secret_key=SecretStr(PRODUCTION_KEY)
        )

        assert settings.signing_key == PRODUCTION_KEY

    def test_production_with_secret_key_from_environment_uses_it(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("ENVIRONMENT", "production")
        monkeypatch.setenv("SECRET_KEY", PRODUCTION_KEY)

        settings = Settings(_env_file=None)

        assert (settings.environment, settings.signing_key) == (
            Environment.PRODUCTION,
            PRODUCTION_KEY,
        )

    @pytest.mark.parametrize(
        "environment",
        [
            pytest.param(Environment.DEVELOPMENT, id="development"),
            pytest.param(Environment.TEST, id="test"),
        ],
    )
    def test_outside_production_a_random_key_is_made_per_instance(
        self, environment: Environment
    ) -> None:
        first, second = (
            Settings(_env_file=None, environment=environment).signing_key for _ in range(2)
        )

        # secrets.token_urlsafe(64): 64 random bytes, 86 URL-safe characters.
        assert (len(first), len(second), first == second) == (86, 86, False)

    def test_secret_key_is_masked_in_repr(self) -> None:
        settings = Settings(_env_file=None, secret_key=SecretStr(PRODUCTION_KEY))

        assert repr(settings.secret_key) == "SecretStr('**********')"

    @pytest.mark.parametrize(
        ("database_url", "is_sqlite"),
        [
            pytest.param(DEFAULT_DATABASE_URL, True, id="default_file"),
            pytest.param("sqlite+aiosqlite:///:memory:", True, id="aiosqlite_memory"),
            pytest.param("sqlite://", True, id="plain_sqlite"),
            pytest.param("postgresql+asyncpg://app:pw@db:5432/bookstore", False, id="postgres"),
        ],
    )
    def test_is_sqlite(self, database_url: str, is_sqlite: bool) -> None:
        assert Settings(_env_file=None, database_url=database_url).is_sqlite is is_sqlite

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            pytest.param("access_token_minutes", 0, id="access_token_minutes"),
            pytest.param("refresh_token_days", 0, id="refresh_token_days"),
            pytest.param("database_pool_size", 0, id="database_pool_size"),
            pytest.param("max_concurrent_hashes", 0, id="max_concurrent_hashes"),
        ],
    )
    def test_lifetimes_and_pool_size_must_be_positive(self, field: str, value: int) -> None:
        with pytest.raises(ValidationError, match="Input should be greater than or equal to 1"):
            Settings.model_validate({field: value})

    def test_list_settings_are_comma_separated_in_the_environment(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example ,,")
        monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8,2001:db8::1")

        settings = Settings(_env_file=None)

        assert settings.cors_origins == ["https://a.example", "https://b.example"]
        assert settings.trusted_proxies == ["10.0.0.0/8", "2001:db8::1"]


def test_create_app_refuses_production_without_secret_key_before_building_anything(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("ENVIRONMENT", "production")
    built: list[str] = []
    monkeypatch.setattr(main, "FastAPI", lambda **_: built.append("app"))

    with pytest.raises(
        ValidationError,
        match=r"SECRET_KEY must be set when ENVIRONMENT=production \(make one with: python -c",
    ):
        main.create_app()

    assert built == []
