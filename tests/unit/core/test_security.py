import base64
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import argon2
import jwt
import pytest
from dirty_equals import IsStr
from pwdlib.hashers.argon2 import Argon2Hasher
from pydantic import SecretStr

from app.core import security
from app.core.config import Environment, Settings
from app.core.security import (
    InvalidToken,
    Passwords,
    TokenClaims,
    TokenType,
    build_passwords,
    create_token,
    decode_token,
)

SIGNING_KEY = "unit-test-signing-key-that-is-long-enough-for-hs256"
CLAIMS = ("sub", "role", "type", "iat", "exp", "jti", "iss", "aud")


def make_settings(environment: Environment = Environment.TEST, **overrides: str) -> Settings:
    """Settings for token tests: fixed key, issuer, audience and lifetimes; no .env file."""
    values = {
        "secret_key": SIGNING_KEY,
        "jwt_issuer": "bookstore",
        "jwt_audience": "bookstore-api",
    } | overrides
    return Settings(
        _env_file=None,
        environment=environment,
        secret_key=SecretStr(values["secret_key"]),
        jwt_issuer=values["jwt_issuer"],
        jwt_audience=values["jwt_audience"],
        # Pinned rather than defaulted, so an exported ACCESS_TOKEN_MINUTES cannot move the claims.
        jwt_algorithm="HS256",
        access_token_minutes=15,
        refresh_token_days=7,
    )


def b64url(data: Mapping[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def unverified(token: str) -> dict[str, object]:
    claims: dict[str, object] = jwt.decode(token, options={"verify_signature": False})
    return claims


@pytest.fixture
def settings() -> Settings:
    return make_settings()


@pytest.fixture
def now() -> datetime:
    # Real time, because PyJWT checks `exp` and `iat` against the wall clock; whole seconds,
    # because JWT timestamps are.
    return datetime.now(UTC).replace(microsecond=0)


def raw_claims(now: datetime, **overrides: object) -> dict[str, object]:
    """A valid access-token payload, with some claims replaced."""
    claims: dict[str, object] = {
        "sub": "42",
        "role": "customer",
        "type": "access",
        "iat": int(now.timestamp()),
        "exp": int(now.timestamp()) + 15 * 60,
        "jti": "0123456789abcdef0123456789abcdef",
        "iss": "bookstore",
        "aud": "bookstore-api",
    }
    return claims | overrides


class TestCreateToken:
    def test_access_token_carries_exactly_the_documented_claims(
        self, settings: Settings, now: datetime
    ) -> None:
        token = create_token(
            settings, subject=42, role="customer", token_type=TokenType.ACCESS, now=now
        )

        assert (jwt.get_unverified_header(token), unverified(token)) == (
            {"alg": "HS256", "typ": "JWT"},
            {
                "sub": "42",
                "role": "customer",
                "type": "access",
                "iat": int(now.timestamp()),
                "exp": int(now.timestamp()) + 15 * 60,
                "jti": IsStr(regex=r"[0-9a-f]{32}"),
                "iss": "bookstore",
                "aud": "bookstore-api",
            },
        )

    def test_the_configured_algorithm_signs_and_checks_the_token(
        self, settings: Settings, now: datetime
    ) -> None:
        hs384 = settings.model_copy(update={"jwt_algorithm": "HS384"})

        token = create_token(
            hs384, subject=42, role="customer", token_type=TokenType.ACCESS, now=now
        )

        assert jwt.get_unverified_header(token)["alg"] == "HS384"
        assert decode_token(hs384, token, expected=TokenType.ACCESS).subject == 42

    def test_refresh_token_lives_seven_days(self, settings: Settings, now: datetime) -> None:
        token = create_token(
            settings, subject=1, role="admin", token_type=TokenType.REFRESH, now=now
        )

        claims = unverified(token)
        assert (claims["type"], claims["exp"]) == ("refresh", int(now.timestamp()) + 7 * 86400)

    def test_every_token_gets_its_own_jti(self, settings: Settings, now: datetime) -> None:
        first, second = (
            unverified(
                create_token(
                    settings, subject=1, role="customer", token_type=TokenType.ACCESS, now=now
                )
            )["jti"]
            for _ in range(2)
        )

        assert first != second

    def test_jti_given_by_the_caller_is_the_tokens_own(
        self, settings: Settings, now: datetime
    ) -> None:
        token = create_token(
            settings, subject=1, role="customer", token_type=TokenType.REFRESH, now=now, jti="abc"
        )

        assert unverified(token)["jti"] == "abc"


class TestDecodeToken:
    @pytest.mark.parametrize(
        ("token_type", "lifetime"),
        [
            pytest.param(TokenType.ACCESS, timedelta(minutes=15), id="access"),
            pytest.param(TokenType.REFRESH, timedelta(days=7), id="refresh"),
        ],
    )
    def test_round_trip_returns_the_claims(
        self, settings: Settings, now: datetime, token_type: TokenType, lifetime: timedelta
    ) -> None:
        token = create_token(settings, subject=42, role="admin", token_type=token_type, now=now)

        assert decode_token(settings, token, expected=token_type) == TokenClaims(
            subject=42,
            role="admin",
            token_type=token_type,
            jti=str(unverified(token)["jti"]),
            expires_at=now + lifetime,
        )

    @pytest.mark.parametrize(
        ("sent", "expected"),
        [
            pytest.param(TokenType.REFRESH, TokenType.ACCESS, id="refresh_as_access"),
            pytest.param(TokenType.ACCESS, TokenType.REFRESH, id="access_as_refresh"),
        ],
    )
    def test_wrong_token_type_is_rejected(
        self, settings: Settings, now: datetime, sent: TokenType, expected: TokenType
    ) -> None:
        token = create_token(settings, subject=42, role="customer", token_type=sent, now=now)

        with pytest.raises(InvalidToken, match=f"^expected a {expected.value} token$"):
            decode_token(settings, token, expected=expected)

    @pytest.mark.parametrize(
        ("issuer_settings", "message"),
        [
            pytest.param(
                {"secret_key": "another-signing-key-that-is-also-long-enough"},
                r"^Signature verification failed$",
                id="wrong_key",
            ),
            pytest.param({"jwt_issuer": "someone-else"}, r"^Invalid issuer$", id="wrong_iss"),
            pytest.param(
                {"jwt_audience": "another-api"}, r"^Audience doesn't match$", id="wrong_aud"
            ),
        ],
    )
    def test_token_from_another_issuer_is_rejected(
        self, settings: Settings, now: datetime, issuer_settings: dict[str, str], message: str
    ) -> None:
        token = create_token(
            make_settings(Environment.TEST, **issuer_settings),
            subject=42,
            role="customer",
            token_type=TokenType.ACCESS,
            now=now,
        )

        with pytest.raises(InvalidToken, match=message):
            decode_token(settings, token, expected=TokenType.ACCESS)

    def test_expired_token_is_rejected(self, settings: Settings, now: datetime) -> None:
        token = create_token(
            settings,
            subject=42,
            role="customer",
            token_type=TokenType.ACCESS,
            now=now - timedelta(minutes=16),
        )

        with pytest.raises(InvalidToken, match=r"^Signature has expired$"):
            decode_token(settings, token, expected=TokenType.ACCESS)

    def test_unsigned_alg_none_token_is_rejected(self, settings: Settings, now: datetime) -> None:
        header = {"alg": "none", "typ": "JWT"}
        token = f"{b64url(header)}.{b64url(raw_claims(now))}."

        with pytest.raises(InvalidToken, match=r"^The specified alg value is not allowed$"):
            decode_token(settings, token, expected=TokenType.ACCESS)

    def test_tampered_payload_is_rejected(self, settings: Settings, now: datetime) -> None:
        token = create_token(
            settings, subject=42, role="customer", token_type=TokenType.ACCESS, now=now
        )
        header, _, signature = token.split(".")
        forged = unverified(token) | {"role": "admin"}

        with pytest.raises(InvalidToken, match=r"^Signature verification failed$"):
            decode_token(
                settings, f"{header}.{b64url(forged)}.{signature}", expected=TokenType.ACCESS
            )

    @pytest.mark.parametrize(
        ("token", "message"),
        [
            pytest.param("", r"^Not enough segments$", id="empty"),
            pytest.param("not-a-jwt", r"^Not enough segments$", id="one_segment"),
            pytest.param("a.b.c", r"^Invalid header padding$", id="garbage_segments"),
        ],
    )
    def test_malformed_token_is_rejected(
        self, settings: Settings, token: str, message: str
    ) -> None:
        with pytest.raises(InvalidToken, match=message):
            decode_token(settings, token, expected=TokenType.ACCESS)

    @pytest.mark.parametrize(
        ("sub", "message"),
        [
            pytest.param("alice", r"^subject is not a user id$", id="letters"),
            pytest.param("-1", r"^subject is not a user id$", id="negative"),
            pytest.param("4.2", r"^subject is not a user id$", id="decimal"),
            pytest.param("", r"^subject is not a user id$", id="empty"),
            pytest.param(" 42", r"^subject is not a user id$", id="padded"),
            pytest.param("٤٢", r"^subject is not a user id$", id="arabic_indic_digits"),
            pytest.param("４２", r"^subject is not a user id$", id="fullwidth_digits"),
            pytest.param(42, r"^Subject must be a string$", id="json_number"),
        ],
    )
    def test_subject_that_is_not_a_user_id_is_rejected(
        self, settings: Settings, now: datetime, sub: object, message: str
    ) -> None:
        token = jwt.encode(raw_claims(now, sub=sub), SIGNING_KEY, algorithm="HS256")

        with pytest.raises(InvalidToken, match=message):
            decode_token(settings, token, expected=TokenType.ACCESS)

    @pytest.mark.parametrize("claim", [pytest.param(claim, id=claim) for claim in CLAIMS])
    def test_token_missing_a_claim_is_rejected(
        self, settings: Settings, now: datetime, claim: str
    ) -> None:
        payload = {name: value for name, value in raw_claims(now).items() if name != claim}
        token = jwt.encode(payload, SIGNING_KEY, algorithm="HS256")

        with pytest.raises(InvalidToken, match=f'^Token is missing the "{claim}" claim$'):
            decode_token(settings, token, expected=TokenType.ACCESS)

    def test_token_issued_in_the_future_is_rejected(
        self, settings: Settings, now: datetime
    ) -> None:
        token = create_token(
            settings,
            subject=42,
            role="customer",
            token_type=TokenType.ACCESS,
            now=now + timedelta(minutes=5),
        )

        with pytest.raises(InvalidToken, match=r"^The token is not yet valid \(iat\)$"):
            decode_token(settings, token, expected=TokenType.ACCESS)


class RecordingHasher(Argon2Hasher):
    """A cheap Argon2 hasher that remembers every hash it made and every hash it checked."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.made: list[str] = []
        self.checked: list[str | bytes] = []

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        digest = super().hash(password, salt=salt)
        self.made.append(digest)
        return digest

    def verify(self, password: str | bytes, hash: str | bytes) -> bool:
        self.checked.append(hash)
        return super().verify(password, hash)


def argon2_parameters(digest: str) -> str:
    """`m=...,t=...,p=...` from an encoded Argon2 hash."""
    return digest.split("$")[3]


@pytest.fixture
def passwords() -> Passwords:
    return build_passwords(make_settings(Environment.TEST))


class TestPasswords:
    async def test_hash_verifies_against_its_password(self, passwords: Passwords) -> None:
        digest = await passwords.hash("correct horse")
        assert await passwords.verify("correct horse", digest) is True

    async def test_wrong_password_does_not_verify(self, passwords: Passwords) -> None:
        digest = await passwords.hash("correct horse")
        assert await passwords.verify("correct hors", digest) is False

    async def test_hashes_are_salted(self, passwords: Passwords) -> None:
        assert await passwords.hash("correct horse") != await passwords.hash("correct horse")

    async def test_missing_user_still_costs_one_verify_and_fails(self) -> None:
        hasher = RecordingHasher()
        passwords = Passwords(hasher, max_concurrent=1)

        # The dummy hash made at construction is what an unknown user is verified against.
        assert (await passwords.verify("dummy password for timing", None), hasher.checked) == (
            False,
            hasher.made,
        )

    async def test_test_environment_uses_cheap_parameters(self, passwords: Passwords) -> None:
        assert argon2_parameters(await passwords.hash("correct horse")) == "m=8,t=1,p=1"

    @pytest.mark.slow  # one Argon2 hash with the real (deliberately expensive) parameters
    def test_production_uses_pwdlib_defaults(self, monkeypatch: pytest.MonkeyPatch) -> None:
        made: list[str] = []

        class Recording(Argon2Hasher):
            def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
                made.append(super().hash(password, salt=salt))
                return made[-1]

        monkeypatch.setattr(security, "Argon2Hasher", Recording)

        build_passwords(make_settings(Environment.PRODUCTION))  # hashes its dummy password once

        assert [argon2_parameters(digest) for digest in made] == [
            f"m={argon2.DEFAULT_MEMORY_COST},t={argon2.DEFAULT_TIME_COST},"
            f"p={argon2.DEFAULT_PARALLELISM}"
        ]
