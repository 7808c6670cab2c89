from datetime import UTC, datetime, timedelta
from typing import Any, cast

import jwt
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.service import issue_tokens
from app.core.config import Environment, Settings
from app.users.models import RefreshToken, User

NOW = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)


class RecordingSession:
    """Stands in for an AsyncSession: issue_tokens only adds, the caller commits."""

    def __init__(self) -> None:
        self.added: list[Any] = []

    def add(self, instance: Any) -> None:
        self.added.append(instance)


class TestIssueTokens:
    def test_refresh_tokens_jti_is_recorded_with_its_user_and_expiry(self) -> None:
        settings = Settings(
            _env_file=None, environment=Environment.TEST, secret_key=SecretStr("k" * 40)
        )
        session = RecordingSession()
        user = User(id=7, role="customer")

        pair = issue_tokens(cast(AsyncSession, session), settings, user, now=NOW)

        refresh = jwt.decode(pair.refresh_token, options={"verify_signature": False})
        access = jwt.decode(pair.access_token, options={"verify_signature": False})
        [row] = session.added
        assert isinstance(row, RefreshToken)
        assert (row.jti, row.user_id, row.created_at, row.expires_at, row.revoked_at) == (
            refresh["jti"],
            7,
            NOW,
            NOW + timedelta(days=7),
            None,
        )
        assert access["jti"] != refresh["jti"]
