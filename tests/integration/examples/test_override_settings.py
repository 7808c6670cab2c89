"""Overriding the settings a request sees: `settings_override(access_token_minutes=5)`.

The kit's `settings_override` (tests/fixtures/settings.py) installs a validated copy of the
settings the test's app was built from, with those values changed, where the app reads them
(`app.state.settings` and `get_settings`, as tests/support/host.py's `settings_access` says), and
puts the originals back after the test; everything else (database, secret key) stays the same.

Pitfalls avoided:
- Only what a request reads through `SettingsDep` changes. What `create_app` reads once (the docs
  switch, middleware, CORS, the password hasher, the login limiter) was fixed when the app was
  built: for those, override the `settings` fixture instead, so the test's app is built from
  other settings (`TestSettingsReadWhenTheAppIsBuilt` below).
- `settings.model_copy(update=...)` by hand does not validate: `access_token_minutes=0` would be
  accepted. `settings_override` refuses it, and a name the settings do not have.
- Never set environment variables for this: they reach every app the worker builds afterwards.
"""

import httpx
import jwt
import pytest
from dirty_equals import IsStr

from app.core.config import Settings
from tests.factories.users import TEST_PASSWORD
from tests.fixtures.settings import SettingsOverride
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
    settings_override: SettingsOverride,
    create_user: CreateUser,
    minutes: int,
    expires_in: int,
) -> None:
    settings_override(access_token_minutes=minutes)
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

    async def test_settings_override_does_not_reach_it(
        self, client: httpx.AsyncClient, settings_override: SettingsOverride
    ) -> None:
        settings_override(docs_enabled=False)

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
