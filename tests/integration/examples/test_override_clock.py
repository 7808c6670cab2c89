"""Pinning time: override the app's clock (`get_now`), or freeze the whole process's clock.

`override(get_now, lambda: INSTANT)` pins the time the app takes through `NowDep` (login uses it
to mint tokens), and nothing else: the database driver, the test runner and libraries keep the
real clock. Use it when the code under test takes its time from the dependency, which is what
new code should do: exact values (`iat == INSTANT`), no global state.

`time_machine.travel(INSTANT, tick=False)` freezes `datetime.now()` and `time.time()` for all
code in the process, including libraries that read the clock themselves: PyJWT compares `exp`
with `time.time()`, so an expiry boundary can only be tested this way. `tick=False` keeps the
clock still (with the default `tick=True` it runs on from INSTANT, and exact asserts become
flaky); `traveller.move_to(...)` jumps. No sleeps, whatever the lifetime. Asyncio's loop runs
on `time.monotonic()`, which stays real, so awaiting inside the block is safe.

The pitfall between the two: a token minted by an overridden clock is checked by PyJWT against
the real one. Pinning `get_now` in the past gives tokens that are already expired for the next
request (shown below); pinning it in the future gives tokens "not yet valid (iat)".
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
import time_machine
from dirty_equals import IsStr

from app.core.clock import get_now
from app.core.config import Settings
from app.users.models import User
from tests.factories.users import TEST_PASSWORD
from tests.fixtures.app import Overrides
from tests.support.data import CreateUser
from tests.support.payloads.users import user_public

INSTANT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


async def log_in(client: httpx.AsyncClient, user: User) -> str:
    response = await client.post(
        "/auth/login", json={"email": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 200, response.text
    access_token: str = response.json()["access_token"]
    return access_token


def unverified_claims(token: str) -> dict[str, object]:
    """The token's claims as sent; with the signature unchecked, PyJWT checks no times either."""
    claims: dict[str, object] = jwt.decode(token, options={"verify_signature": False})
    return claims


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_token_times_come_from_the_overridden_clock(
    client: httpx.AsyncClient, override: Overrides, settings: Settings, create_user: CreateUser
) -> None:
    override(get_now, lambda: INSTANT)
    user = await create_user()

    token = await log_in(client, user)

    issued_at = int(INSTANT.timestamp())
    assert unverified_claims(token) == {
        "sub": str(user.id),
        "role": "customer",
        "type": "access",
        "iat": issued_at,
        "exp": issued_at + settings.access_token_minutes * 60,
        "jti": IsStr(regex=r"[0-9a-f]{32}"),
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
    }


async def test_pitfall_a_token_minted_by_a_past_overridden_clock_is_expired_for_pyjwt(
    client: httpx.AsyncClient, override: Overrides, create_user: CreateUser
) -> None:
    override(get_now, lambda: LONG_AGO)
    token = await log_in(client, await create_user())

    response = await client.get("/users/me", headers=bearer(token))

    assert response.status_code == 401, response.text
    assert response.json() == {"detail": "Invalid token"}


def refused(_user: User) -> dict[str, object]:
    return {"detail": "Invalid token"}


@pytest.mark.parametrize(
    ("seconds_before_exp", "status", "body"),
    [
        pytest.param(1, 200, user_public, id="one_second_before_exp"),
        pytest.param(0, 401, refused, id="at_exp"),
    ],
)
async def test_access_token_is_accepted_until_its_exp(
    client: httpx.AsyncClient,
    settings: Settings,
    create_user: CreateUser,
    seconds_before_exp: int,
    status: int,
    body: Callable[[User], dict[str, object]],
) -> None:
    user = await create_user()
    expires_at = INSTANT + timedelta(minutes=settings.access_token_minutes)

    with time_machine.travel(INSTANT, tick=False) as traveller:
        token = await log_in(client, user)
        traveller.move_to(expires_at - timedelta(seconds=seconds_before_exp))
        response = await client.get("/users/me", headers=bearer(token))

    assert unverified_claims(token)["exp"] == int(expires_at.timestamp())
    assert response.status_code == status, response.text
    assert response.json() == body(user)
