from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from dirty_equals import IsStr
from pydantic import ValidationError

from app.users.models import Role
from app.users.schemas import AdminUserUpdate, UserCreate, UserPublic, UserUpdate

from ..validation import error_summary


def registration(**overrides: object) -> dict[str, object]:
    """A valid registration body, with some fields replaced."""
    body: dict[str, object] = {
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "password": "correct horse battery",
    }
    return body | overrides


class TestUserCreate:
    def test_valid_body_is_normalised(self) -> None:
        user = UserCreate.model_validate(
            registration(name="  Ada Lovelace\t", email="Ada.Lovelace@Example.COM")
        )

        assert user.model_dump() == {
            "name": "Ada Lovelace",
            "email": "ada.lovelace@example.com",
            "password": "correct horse battery",
        }

    def test_role_is_ignored(self) -> None:
        user = UserCreate.model_validate(registration(role="admin", is_active=False))

        assert (list(UserCreate.model_fields), user.model_dump()) == (
            ["name", "email", "password"],
            registration(),
        )

    @pytest.mark.parametrize(
        "password",
        [
            pytest.param("abcdefg8", id="eight_chars"),
            pytest.param("p" * 127 + "!", id="128_chars"),
        ],
    )
    def test_password_length_bounds_are_inclusive(self, password: str) -> None:
        assert UserCreate.model_validate(registration(password=password)).password == password

    @pytest.mark.parametrize(
        ("password", "error_type", "msg"),
        [
            pytest.param(
                "abcdef7", "string_too_short", "String should have at least 8 characters", id="7"
            ),
            pytest.param(
                "p" * 129, "string_too_long", "String should have at most 128 characters", id="129"
            ),
            pytest.param(
                "31415926535",
                "value_error",
                "Value error, Password must not be all digits",
                id="all_digits",
            ),
            pytest.param(
                "QwErTy123", "value_error", "Value error, Password is too common", id="common"
            ),
        ],
    )
    def test_password_policy_is_enforced(self, password: str, error_type: str, msg: str) -> None:
        with pytest.raises(ValidationError, match="password") as exc_info:
            UserCreate.model_validate(registration(password=password))

        assert error_summary(exc_info.value) == [
            {"type": error_type, "loc": ("password",), "msg": msg}
        ]

    @pytest.mark.parametrize(
        "email",
        [
            pytest.param("not-an-email", id="no_at"),
            pytest.param("ada@", id="no_domain"),
            pytest.param("@example.com", id="no_local_part"),
            pytest.param("ada lovelace@example.com", id="space"),
            pytest.param("ada@@example.com", id="two_ats"),
            pytest.param("", id="empty"),
        ],
    )
    def test_bad_email_is_rejected(self, email: str) -> None:
        with pytest.raises(ValidationError, match="email") as exc_info:
            UserCreate.model_validate(registration(email=email))

        assert error_summary(exc_info.value) == [
            {
                "type": "value_error",
                "loc": ("email",),
                "msg": IsStr(regex=r"value is not a valid email address: .+"),
            }
        ]

    @pytest.mark.parametrize(
        ("name", "error_type"),
        [
            pytest.param("", "string_too_short", id="empty"),
            pytest.param("   ", "string_too_short", id="blank"),
            pytest.param("n" * 101, "string_too_long", id="101_chars"),
            # Issue 15: names of only invisible characters were accepted (titles were not).
            pytest.param("\u200b\u200b", "value_error", id="zero_width_spaces"),
            pytest.param("\u3164", "value_error", id="hangul_filler"),
            pytest.param("\u202e\u2066", "value_error", id="bidi_controls"),
        ],
    )
    def test_bad_name_is_rejected(self, name: str, error_type: str) -> None:
        with pytest.raises(ValidationError, match="name") as exc_info:
            UserCreate.model_validate(registration(name=name))

        assert [(error["loc"], error["type"]) for error in exc_info.value.errors()] == [
            (("name",), error_type)
        ]

    def test_a_changed_name_needs_a_visible_character_too(self) -> None:
        with pytest.raises(ValidationError, match="must contain a visible character"):
            UserUpdate.model_validate({"name": "\u200b"})


class TestExplicitNull:
    """A PATCH body may leave a field out, not send null for it (issue 15)."""

    @pytest.mark.parametrize(
        ("schema", "field"),
        [
            pytest.param(UserUpdate, "name", id="me_name"),
            pytest.param(UserUpdate, "current_password", id="me_current_password"),
            pytest.param(UserUpdate, "new_password", id="me_new_password"),
            pytest.param(AdminUserUpdate, "role", id="admin_role"),
            pytest.param(AdminUserUpdate, "is_active", id="admin_is_active"),
        ],
    )
    def test_is_rejected_and_named(
        self, schema: type[UserUpdate] | type[AdminUserUpdate], field: str
    ) -> None:
        with pytest.raises(ValidationError) as exc_info:
            schema.model_validate({field: None})

        assert error_summary(exc_info.value) == [
            {"type": "value_error", "loc": (field,), "msg": f"Value error, {field} may not be null"}
        ]

    def test_left_out_sets_nothing(self) -> None:
        assert UserUpdate.model_validate({}).model_dump(exclude_unset=True) == {}
        assert AdminUserUpdate.model_validate({}).model_dump(exclude_unset=True) == {}


class TestUserPublic:
    def test_reads_a_user_and_never_exposes_the_password_hash(self) -> None:
        created_at = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)
        row = SimpleNamespace(
            id=3,
            name="Ada Lovelace",
            email="ada@example.com",
            password_hash="$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA",
            role="customer",
            is_active=True,
            created_at=created_at,
        )

        assert UserPublic.model_validate(row).model_dump() == {
            "id": 3,
            "name": "Ada Lovelace",
            "email": "ada@example.com",
            "role": Role.CUSTOMER,
            "is_active": True,
            "created_at": created_at,
        }

    def test_has_only_the_documented_fields(self) -> None:
        assert list(UserPublic.model_fields) == [
            "id",
            "name",
            "email",
            "role",
            "is_active",
            "created_at",
        ]
