"""What an access token costs: minting one at login, checking one on every bearer request.

Both go through the app's own functions (app/core/security.py), the ones `app/auth` calls.
"""

from datetime import UTC, datetime, timedelta

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from app.core.config import Settings
from app.core.security import TokenClaims, TokenType, create_token, decode_token

pytestmark = pytest.mark.benchmark

USER_ID = 1234
JTI = "0123456789abcdef0123456789abcdef"


def _mint(settings: Settings, now: datetime) -> str:
    return create_token(
        settings, subject=USER_ID, role="customer", token_type=TokenType.ACCESS, now=now, jti=JTI
    )


def test_jwt_encode(benchmark: BenchmarkFixture, settings: Settings) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    token = benchmark(_mint, settings, now)
    assert decode_token(settings, token, expected=TokenType.ACCESS) == _claims(settings, now)


def test_jwt_decode(benchmark: BenchmarkFixture, settings: Settings) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    token = _mint(settings, now)
    claims = benchmark(decode_token, settings, token, expected=TokenType.ACCESS)
    assert claims == _claims(settings, now)


def _claims(settings: Settings, now: datetime) -> TokenClaims:
    return TokenClaims(
        subject=USER_ID,
        role="customer",
        token_type=TokenType.ACCESS,
        jti=JTI,
        expires_at=now + timedelta(minutes=settings.access_token_minutes),
    )
