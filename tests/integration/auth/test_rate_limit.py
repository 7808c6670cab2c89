"""Login limits (API.md, /auth/login): failed attempts per email and requests per client.

Every test runs on memory and on Redis storage (`login_limiter` is parametrized). Time is frozen
(`tick=False`) where a header value or a window's end is asserted, and moved, never slept.
"""

from datetime import UTC, datetime

import httpx
import pytest
import time_machine

from tests.factories import TEST_PASSWORD
from tests.support.data import CreateUser
from tests.support.limits import ClientAt

pytestmark = pytest.mark.usefixtures("login_limiter")

START = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)
WRONG = "not the password"
TOO_MANY = {"detail": "Too many login attempts, try again later"}
INVALID = {"detail": "Invalid email or password"}


async def log_in(
    client: httpx.AsyncClient, email: str, password: str, *, door: str = "login", **kw: str
) -> httpx.Response:
    """Posts to /auth/login (JSON) or /auth/token (form); `kw` becomes request headers."""
    if door == "login":
        return await client.post(
            "/auth/login", json={"email": email, "password": password}, headers=kw
        )
    form = {"username": email, "password": password}
    return await client.post("/auth/token", data=form, headers=kw)


async def fail(client: httpx.AsyncClient, email: str, times: int) -> list[int]:
    return [(await log_in(client, email, WRONG)).status_code for _ in range(times)]


class TestFailuresPerEmail:
    async def test_sixth_failure_is_429_with_retry_after_until_the_oldest_leaves_the_window(
        self,
        client: httpx.AsyncClient,
        create_user: CreateUser,
        time_machine: time_machine.TimeMachineFixture,
    ) -> None:
        user = await create_user()
        time_machine.move_to(START, tick=False)
        assert await fail(client, user.email, 5) == [401] * 5
        time_machine.shift(60)

        response = await log_in(client, user.email, WRONG)

        assert response.status_code == 429, response.text
        assert response.json() == TOO_MANY
        # The first failure (at START) leaves the 15-minute window 840 s from now; one more
        # second so that the retry lands after it on either storage.
        assert response.headers["Retry-After"] == "841"

    @pytest.mark.parametrize(
        "door", [pytest.param("login", id="login"), pytest.param("token", id="token")]
    )
    async def test_right_password_during_the_lock_is_429(
        self, client: httpx.AsyncClient, create_user: CreateUser, door: str
    ) -> None:
        user = await create_user()
        assert await fail(client, user.email, 5) == [401] * 5

        response = await log_in(client, user.email, TEST_PASSWORD, door=door)

        assert response.status_code == 429, response.text
        assert response.json() == TOO_MANY

    async def test_other_emails_are_unaffected_by_a_lock(
        self, client: httpx.AsyncClient, create_user: CreateUser
    ) -> None:
        locked, other = await create_user(), await create_user()
        assert await fail(client, locked.email, 6) == [401] * 5 + [429]

        statuses = [
            (await log_in(client, other.email, WRONG)).status_code,
            (await log_in(client, other.email, TEST_PASSWORD)).status_code,
        ]

        assert statuses == [401, 200]

    @pytest.mark.parametrize(
        "registered",
        [pytest.param(True, id="wrong_password"), pytest.param(False, id="unknown_email")],
    )
    async def test_unknown_email_and_wrong_password_count_alike(
        self, client: httpx.AsyncClient, create_user: CreateUser, registered: bool
    ) -> None:
        email = (await create_user()).email if registered else "nobody@example.com"

        assert await fail(client, email, 6) == [401] * 5 + [429]

    async def test_email_is_counted_case_insensitively(
        self, client: httpx.AsyncClient, create_user: CreateUser
    ) -> None:
        user = await create_user(email="ada@example.com")
        spellings = ["ada@example.com", "ADA@example.com", "Ada@Example.com", "ada@EXAMPLE.COM"]
        statuses = [(await log_in(client, typed, WRONG)).status_code for typed in spellings]
        statuses.append((await log_in(client, "aDa@eXaMpLe.CoM", WRONG, door="token")).status_code)

        response = await log_in(client, user.email, TEST_PASSWORD)

        assert statuses == [401] * 5
        assert (response.status_code, response.json()) == (429, TOO_MANY)

    async def test_login_and_token_share_one_counter(
        self, client: httpx.AsyncClient, create_user: CreateUser
    ) -> None:
        user = await create_user()
        doors = ["login", "token", "login", "token", "login"]
        statuses = [(await log_in(client, user.email, WRONG, door=d)).status_code for d in doors]

        after = [
            (await log_in(client, user.email, TEST_PASSWORD, door=d)).status_code
            for d in ("login", "token")
        ]

        assert statuses == [401] * 5
        assert after == [429, 429]

    async def test_success_does_not_reset_the_emails_own_failures(
        self, client: httpx.AsyncClient, create_user: CreateUser
    ) -> None:
        # docs/decisions.md: the budget is failures in the window, not failures in a row.
        user = await create_user()
        statuses = await fail(client, user.email, 4)
        statuses.append((await log_in(client, user.email, TEST_PASSWORD)).status_code)
        statuses += await fail(client, user.email, 2)

        assert statuses == [401] * 4 + [200] + [401, 429]

    async def test_success_does_not_reset_other_emails_failures(
        self, client: httpx.AsyncClient, create_user: CreateUser
    ) -> None:
        attacked, other = await create_user(), await create_user()
        statuses = await fail(client, attacked.email, 4)
        statuses.append((await log_in(client, other.email, TEST_PASSWORD)).status_code)
        statuses += await fail(client, attacked.email, 2)

        assert statuses == [401] * 4 + [200] + [401, 429]

    async def test_successes_give_back_the_attempt_counted_before_the_check(
        self, client: httpx.AsyncClient, create_user: CreateUser
    ) -> None:
        user = await create_user()
        statuses = [(await log_in(client, user.email, TEST_PASSWORD)).status_code for _ in range(6)]
        statuses += await fail(client, user.email, 6)

        assert statuses == [200] * 6 + [401] * 5 + [429]

    async def test_deactivated_accounts_403_is_not_a_failure(
        self, client: httpx.AsyncClient, create_user: CreateUser
    ) -> None:
        user = await create_user(is_active=False)
        statuses = [(await log_in(client, user.email, TEST_PASSWORD)).status_code for _ in range(6)]
        statuses += await fail(client, user.email, 6)

        assert statuses == [403] * 6 + [401] * 5 + [429]

    async def test_waiting_retry_after_lifts_the_lock(
        self,
        client: httpx.AsyncClient,
        create_user: CreateUser,
        time_machine: time_machine.TimeMachineFixture,
    ) -> None:
        user = await create_user()
        time_machine.move_to(START, tick=False)
        assert await fail(client, user.email, 5) == [401] * 5
        time_machine.shift(899)
        almost = await log_in(client, user.email, TEST_PASSWORD)
        time_machine.shift(int(almost.headers["Retry-After"]))

        response = await log_in(client, user.email, TEST_PASSWORD)

        assert (almost.status_code, almost.headers["Retry-After"]) == (429, "2")
        assert response.status_code == 200, response.text


class TestRequestsPerClient:
    async def test_twenty_first_request_in_a_minute_is_429_whatever_the_outcomes(
        self,
        client_at: ClientAt,
        create_user: CreateUser,
        time_machine: time_machine.TimeMachineFixture,
    ) -> None:
        user = await create_user()
        client = client_at("198.51.100.7")
        time_machine.move_to(START, tick=False)
        # Successes and failures for distinct emails (no email lock) all count.
        statuses = [
            (await log_in(client, user.email, TEST_PASSWORD)).status_code for _ in range(10)
        ]
        statuses += [
            (await log_in(client, f"guess{i}@example.com", WRONG)).status_code for i in range(10)
        ]
        time_machine.shift(30)

        response = await log_in(client, user.email, TEST_PASSWORD)

        assert statuses == [200] * 10 + [401] * 10
        assert response.status_code == 429, response.text
        assert response.json() == TOO_MANY
        # The first request (at START) leaves the minute's window 30 s from now, plus one.
        assert response.headers["Retry-After"] == "31"

    async def test_another_client_address_is_unaffected(
        self, client_at: ClientAt, create_user: CreateUser
    ) -> None:
        user = await create_user()
        busy, other = client_at("198.51.100.7"), client_at("198.51.100.8")
        statuses = [(await log_in(busy, user.email, TEST_PASSWORD)).status_code for _ in range(21)]

        response = await log_in(other, user.email, TEST_PASSWORD)

        assert statuses == [200] * 20 + [429]
        assert response.status_code == 200, response.text

    async def test_limit_lifts_when_the_minute_has_passed(
        self,
        client_at: ClientAt,
        create_user: CreateUser,
        time_machine: time_machine.TimeMachineFixture,
    ) -> None:
        user = await create_user()
        client = client_at("198.51.100.7")
        time_machine.move_to(START, tick=False)
        statuses = [
            (await log_in(client, user.email, TEST_PASSWORD)).status_code for _ in range(21)
        ]
        time_machine.shift(61)

        response = await log_in(client, user.email, TEST_PASSWORD)

        assert statuses == [200] * 20 + [429]
        assert response.status_code == 200, response.text

    async def test_forwarded_for_from_an_untrusted_peer_is_ignored(
        self, client_at: ClientAt, create_user: CreateUser
    ) -> None:
        user = await create_user()
        client = client_at("198.51.100.7")
        statuses = [
            (
                await log_in(
                    client, user.email, TEST_PASSWORD, **{"X-Forwarded-For": f"203.0.113.{i}"}
                )
            ).status_code
            for i in range(21)
        ]

        assert statuses == [200] * 20 + [429]

    @pytest.mark.parametrize("trusted_proxies", [pytest.param(["10.0.0.0/8"], id="proxy_network")])
    async def test_trusted_proxy_forwards_the_right_most_untrusted_address(
        self, client_at: ClientAt, create_user: CreateUser
    ) -> None:
        user = await create_user()
        proxy = client_at("10.0.0.2")
        # The client forges a different left-most address each time; the edge proxy (10.0.0.1)
        # appended the address it saw, 198.51.100.7, and the inner proxy 10.0.0.1 itself.
        statuses = [
            (
                await log_in(
                    proxy,
                    user.email,
                    TEST_PASSWORD,
                    **{"X-Forwarded-For": f"203.0.113.{i}, 198.51.100.7, 10.0.0.1"},
                )
            ).status_code
            for i in range(21)
        ]
        neighbour = await log_in(
            proxy, user.email, TEST_PASSWORD, **{"X-Forwarded-For": "198.51.100.8, 10.0.0.1"}
        )

        assert statuses == [200] * 20 + [429]
        assert neighbour.status_code == 200, neighbour.text
