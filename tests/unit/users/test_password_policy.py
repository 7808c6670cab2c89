import pytest

from app.users.password_policy import COMMON_PASSWORDS, check_password_policy


class TestCheckPasswordPolicy:
    @pytest.mark.parametrize(
        "password",
        [
            pytest.param("correct horse battery staple", id="passphrase"),
            pytest.param("Tr0ub4dor&3", id="mixed"),
            pytest.param("1234567a", id="digits_and_one_letter"),
            pytest.param("password!", id="common_word_with_suffix"),
        ],
    )
    def test_acceptable_password_is_returned_unchanged(self, password: str) -> None:
        assert check_password_policy(password) == password

    @pytest.mark.parametrize(
        "password",
        [
            pytest.param("20260131", id="ascii_digits"),
            pytest.param("12345678901234567890", id="long_digits"),
            pytest.param("١٢٣٤٥٦٧٨٩", id="arabic_indic_digits"),
        ],
    )
    def test_all_digits_is_rejected(self, password: str) -> None:
        with pytest.raises(ValueError, match=r"^Password must not be all digits$"):
            check_password_policy(password)

    @pytest.mark.parametrize(
        "password",
        [
            pytest.param("password", id="lower"),
            pytest.param("PASSWORD", id="upper"),
            pytest.param("Password123", id="capitalised"),
            pytest.param("iLoveYou", id="mixed_case"),
            pytest.param("BookStore1", id="project_name"),
        ],
    )
    def test_common_password_is_rejected_case_insensitively(self, password: str) -> None:
        with pytest.raises(ValueError, match=r"^Password is too common$"):
            check_password_policy(password)

    def test_common_passwords_are_lower_case_and_long_enough_to_matter(self) -> None:
        # An upper-case entry would never match the lower-cased input; a short one is dead weight
        # because the length check rejects it first.
        assert sorted(p for p in COMMON_PASSWORDS if p != p.lower() or len(p) < 8) == []
