"""The client key (peer or trusted proxy's X-Forwarded-For), the 429 errors, limit settings,
giving a failure back and closing a limiter."""

from typing import cast

import pytest
from limits.aio.storage import MemoryStorage, Storage
from pydantic import ValidationError
from starlette.requests import Request

from app.auth.rate_limit import (
    TooManyLoginAttempts,
    TooManyRegistrations,
    _remove_newest,
    build_login_limiter,
)
from app.core.client_address import TrustedProxies
from app.core.config import Settings

PROXIES = TrustedProxies.parse(["10.0.0.0/8", "2001:db8:ffff::1"])


class TestClientAddress:
    @pytest.mark.parametrize(
        ("peer", "forwarded_for", "expected"),
        [
            pytest.param("198.51.100.7", [], "198.51.100.7", id="untrusted_peer"),
            pytest.param(
                "198.51.100.7", ["203.0.113.9"], "198.51.100.7", id="untrusted_peer_header_ignored"
            ),
            pytest.param("10.0.0.1", [], "10.0.0.1", id="trusted_peer_without_header_is_itself"),
            pytest.param("10.0.0.1", ["198.51.100.7"], "198.51.100.7", id="one_proxy"),
            pytest.param(
                "10.0.0.1", ["203.0.113.9, 198.51.100.7"], "198.51.100.7", id="forged_left_most"
            ),
            pytest.param(
                "10.0.0.1",
                ["203.0.113.9, 198.51.100.7, 10.0.0.2, 10.9.9.9"],
                "198.51.100.7",
                id="chain_of_trusted_proxies",
            ),
            pytest.param(
                "10.0.0.1", ["203.0.113.9", "198.51.100.7"], "198.51.100.7", id="repeated_headers"
            ),
            pytest.param("10.0.0.1", ["10.0.0.3, 10.0.0.2"], "10.0.0.3", id="all_hops_trusted"),
            pytest.param("10.0.0.1", [" 198.51.100.7 ,, "], "198.51.100.7", id="blank_hops"),
            pytest.param(
                "10.0.0.1", ["198.51.100.7, bogus"], "10.0.0.1", id="malformed_hop_not_believed"
            ),
            pytest.param(
                "2001:db8:ffff:0:0:0:0:1",
                ["2001:DB8::0:7"],
                "2001:db8::7",
                id="ipv6_trusted_and_normalised",
            ),
            pytest.param("unix-socket", ["198.51.100.7"], "unix-socket", id="peer_not_an_ip"),
            pytest.param(None, ["198.51.100.7"], "unknown", id="no_peer"),
        ],
    )
    def test_client_is_the_right_most_address_not_a_trusted_proxy(
        self, peer: str | None, forwarded_for: list[str], expected: str
    ) -> None:
        assert PROXIES.client_address(peer, forwarded_for) == expected

    def test_no_trusted_proxies_means_the_peer_whatever_the_header(self) -> None:
        assert TrustedProxies().client_address("10.0.0.1", ["198.51.100.7"]) == "10.0.0.1"

    def test_request_is_keyed_by_its_peer_and_forwarded_for_headers(self) -> None:
        scope = {
            "type": "http",
            "client": ("10.0.0.1", 4321),
            "headers": [
                (b"x-forwarded-for", b"203.0.113.9"),
                (b"x-forwarded-for", b"198.51.100.7"),
            ],
        }

        assert PROXIES.of(Request(scope)) == "198.51.100.7"

    def test_a_request_without_a_peer_is_unknown(self) -> None:
        """ASGI leaves `client` out when the server cannot tell (a Unix socket, some tests)."""
        scope = {"type": "http", "headers": [(b"x-forwarded-for", b"198.51.100.7")]}

        assert PROXIES.of(Request(scope)) == "unknown"

    def test_a_network_written_with_host_bits_is_that_network(self) -> None:
        """An interface's address with its prefix (`ip addr` prints `10.1.2.3/8`) means its
        network: it is not refused as a malformed entry."""
        proxies = TrustedProxies.parse([" 10.1.2.3/8 "])

        assert proxies.client_address("10.200.0.1", ["198.51.100.7"]) == "198.51.100.7"

    def test_bad_trusted_proxy_entry_is_refused_by_name(self) -> None:
        with pytest.raises(ValueError, match=r"TRUSTED_PROXIES: 'proxy\.internal' is not an IP"):
            TrustedProxies.parse(["10.0.0.0/8", "proxy.internal"])


class TestTooManyLoginAttempts:
    def test_carries_its_own_retry_after_and_the_429_message(self) -> None:
        error = TooManyLoginAttempts(42)

        assert (error.status_code, error.detail, dict(error.extra_headers)) == (
            429,
            "Too many login attempts, try again later",
            {"Retry-After": "42"},
        )
        assert dict(TooManyLoginAttempts(7).extra_headers) == {"Retry-After": "7"}


class TestTooManyRegistrations:
    def test_carries_its_own_retry_after_and_the_429_message(self) -> None:
        error = TooManyRegistrations(3600)

        assert (error.status_code, error.detail, dict(error.extra_headers)) == (
            429,
            "Too many registrations, try again later",
            {"Retry-After": "3600"},
        )


class TestLimitSettings:
    @pytest.mark.parametrize(
        ("value", "message"),
        [
            pytest.param("lots", "couldn't parse rate limit string 'lots'", id="gibberish"),
            pytest.param("", "couldn't parse rate limit string ''", id="empty"),
            pytest.param("5/minute;100/hour", "expected exactly one limit", id="two_limits"),
            pytest.param("0 per minute", "a limit must allow at least one attempt", id="zero"),
        ],
    )
    @pytest.mark.parametrize(
        "field",
        [
            pytest.param(f, id=f)
            for f in ("login_rate_limit", "login_failures_limit", "register_rate_limit")
        ],
    )
    def test_bad_limit_in_the_environment_fails_at_settings_time(
        self, monkeypatch: pytest.MonkeyPatch, field: str, value: str, message: str
    ) -> None:
        monkeypatch.setenv(field.upper(), value)

        with pytest.raises(ValidationError, match=rf"{field}\n  Value error, {message}"):
            Settings(_env_file=None)

    @pytest.mark.parametrize(
        "value",
        [pytest.param("20 per minute", id="words"), pytest.param("5/15minutes", id="slashes")],
    )
    def test_good_limit_is_kept_as_written(self, value: str) -> None:
        assert Settings(_env_file=None, login_rate_limit=value).login_rate_limit == value


class TestClose:
    async def test_the_memory_storages_expiry_pass_ends_with_the_limiter(self) -> None:
        limiter = build_login_limiter(Settings(_env_file=None, redis_url=None))
        await limiter.admit("203.0.113.7", "reader@example.com")
        storage = limiter.storage
        assert isinstance(storage, MemoryStorage)
        expiry = storage.timer
        assert expiry is not None

        await limiter.close()
        await limiter.close()  # the kit's fixtures and the app's lifespan both close it

        assert expiry.done()


class UnknownLayoutStorage:
    """A storage whose layout the limiter does not know (limits' MongoDB one, say); only its
    name is read."""


class TestGiveBack:
    async def test_a_storage_without_a_known_layout_is_refused_by_its_name(self) -> None:
        """Giving a failure back reads the storage's own layout (memory and Redis only): another
        of limits' storages fails loudly rather than keeping every failure counted. The app
        builds only those two (`_storage`), so the guard is called directly."""
        with pytest.raises(TypeError) as refused:
            await _remove_newest(cast(Storage, UnknownLayoutStorage()), "email/reader")

        assert str(refused.value) == "no way to give a login attempt back on UnknownLayoutStorage"
