"""Overriding the settings a request sees: `get_settings` → a copy with a few values changed.

Pattern: `override(get_settings, lambda: changed)` with
`changed = settings.model_copy(update={"access_token_minutes": 5})`, where `settings` is the
fixture the test's app was built from, so everything else (database, secret key) stays the same.

Pitfalls avoided:
- Only what a request reads through `SettingsDep` changes. What `create_app` reads once (the docs
  switch, middleware, CORS, the password hasher, the login limiter) was fixed when the app was
  built: for those, override the `settings` fixture instead, so the test's app is built from
  other settings (`TestSettingsReadWhenTheAppIsBuilt` below).
- `model_copy(update=...)` does not validate: `access_token_minutes=0` would be accepted. Keep the
  values valid, or build `Settings(...)` anew when validation is the point.
- Never set environment variables for this: they reach every app the worker builds afterwards.
"""

import httpx
import jwt
import pytest
from dirty_equals import IsStr

from app.core.config import Settings, get_settings
from tests.factories.users import TEST_PASSWORD
from tests.fixtures.app import Overrides
from tests.support.data import CreateUser


@pytest.mark.parametrize(
    ("minutes", "expires_in"),
    [
        pytest.param(5, 300, id="5_minutes"),
        pytest.param(60, 3600, id="1_hour"),
    ],
)
async def test_login_tokens_follow_the_overridden_access_token_minutes(
    client: httpx.AsyncClient,
    override: Overrides,
    settings: Settings,
    create_user: CreateUser,
    minutes: int,
    expires_in: int,
) -> None:
    changed = settings.model_copy(update={"access_token_minutes": minutes})
    override(get_settings, lambda: changed)
    await create_user(email="ada@example.com")

    response = await client.post(
        "/auth/login", json={"email": "ada@example.com", "password": TEST_PASSWORD}
    )

    assert response.status_code == 200, response.text
    assert response.json() == {
        "access_token": IsStr(),
        "refresh_token": IsStr(),
        "token_type": "bearer",
        "expires_in": expires_in,
    }
    claims = jwt.decode(response.json()["access_token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == expires_in


class TestSettingsReadWhenTheAppIsBuilt:
    """The docs switch is read by `create_app`: only a differently built app can turn it off."""

    async def test_overriding_get_settings_does_not_reach_it(
        self, client: httpx.AsyncClient, override: Overrides, settings: Settings
    ) -> None:
        changed = settings.model_copy(update={"docs_enabled": False})
        override(get_settings, lambda: changed)

        response = await client.get("/docs")

        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "text/html; charset=utf-8"

    class TestWithTheSettingsFixtureOverridden:
        @pytest.fixture
        def settings(self, settings: Settings) -> Settings:
            """This class's apps are built with the docs switched off."""
            return settings.model_copy(update={"docs_enabled": False})

        @pytest.mark.parametrize("path", ["/openapi.json", "/docs", "/redoc"])
        async def test_the_docs_are_gone(self, client: httpx.AsyncClient, path: str) -> None:
            response = await client.get(path)

            assert response.status_code == 404, response.text
            assert response.json() == {"detail": "Not Found"}
