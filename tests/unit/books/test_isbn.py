import re
import sys

import pytest

from app.books.isbn import SEPARATOR_CLASS, isbn13_check_digit, normalise_isbn


class TestIsbn13CheckDigit:
    @pytest.mark.parametrize(
        ("isbn", "check_digit"),
        [
            pytest.param("9780132350884", 4, id="clean_code"),
            pytest.param("9780306406157", 7, id="wikipedia_example"),
            pytest.param("9780262033848", 8, id="clrs_third_edition"),
            pytest.param("9780596007126", 6, id="head_first_design_patterns"),
            pytest.param("9780201633610", 0, id="design_patterns_check_digit_zero"),
        ],
    )
    def test_matches_real_isbns(self, isbn: str, check_digit: int) -> None:
        assert isbn13_check_digit(isbn[:12]) == check_digit


class TestNormaliseIsbn:
    @pytest.mark.parametrize(
        "value",
        [
            pytest.param("9780132350884", id="bare_digits"),
            pytest.param("978-0-13-235088-4", id="hyphens"),
            pytest.param("978 0 13 235088 4", id="spaces"),
            pytest.param("978-0 13-235088 4", id="hyphens_and_spaces"),
            pytest.param("  978-0132350884\t", id="surrounding_whitespace"),
        ],
    )
    def test_hyphens_and_spaces_are_stripped(self, value: str) -> None:
        assert normalise_isbn(value) == "9780132350884"

    @pytest.mark.parametrize(
        "value",
        [
            pytest.param("9780132350885", id="last_digit_off_by_one"),
            pytest.param("978-0-306-40615-8", id="hyphenated"),
            pytest.param("9780132350848", id="transposed_digits"),
        ],
    )
    def test_wrong_check_digit_is_rejected(self, value: str) -> None:
        with pytest.raises(ValueError, match=r"^ISBN check digit is wrong$"):
            normalise_isbn(value)

    @pytest.mark.parametrize(
        "value",
        [
            pytest.param("", id="empty"),
            pytest.param("978013235088", id="twelve_digits"),
            pytest.param("97801323508840", id="fourteen_digits"),
            pytest.param("0132350882", id="isbn_10"),
            pytest.param("---", id="separators_only"),
            pytest.param("97801323508X4", id="letter_inside"),
            pytest.param("978013235088X", id="isbn_10_style_x"),
            pytest.param("978.0.13.235088.4", id="dots_are_not_separators"),
            pytest.param("٩٧٨٠١٣٢٣٥٠٨٨٤", id="arabic_indic_digits"),
            pytest.param("９７８０１３２３５０８８４", id="fullwidth_digits"),
            pytest.param("978013235088٤", id="one_non_ascii_digit"),
        ],
    )
    def test_anything_but_13_ascii_digits_is_rejected(self, value: str) -> None:
        with pytest.raises(
            ValueError, match=r"^ISBN must be 13 digits \(hyphens and spaces allowed\)$"
        ):
            normalise_isbn(value)


class TestPublishedSeparators:
    def test_the_spelled_out_class_is_exactly_what_normalise_strips(self) -> None:
        """The schema cannot say `\\s` (its dialect reads it differently): every code point
        the published class takes is a hyphen or Python whitespace, and no other."""
        published = re.compile(SEPARATOR_CLASS)
        stripped = re.compile(r"[-\s]")

        differ = [
            hex(code)
            for code in range(sys.maxunicode + 1)
            if bool(published.fullmatch(chr(code))) != bool(stripped.fullmatch(chr(code)))
        ]

        assert differ == []
