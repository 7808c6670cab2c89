import json
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from pydantic import ValidationError

from app.books.schemas import BookCreate, BookPublic, BookSort, BookUpdate

from ..validation import error_summary

NOT_A_DECIMAL = "Value error, must be a decimal number, such as 19.99"


def book_body(**overrides: object) -> dict[str, object]:
    """A valid BookCreate body as a client would send it, with some fields replaced."""
    body: dict[str, object] = {
        "title": "Clean Code",
        "author": "Robert C. Martin",
        "isbn": "9780132350884",
        "price": "39.99",
    }
    return body | overrides


class TestBookCreate:
    def test_valid_body_is_normalised_with_defaults(self) -> None:
        book = BookCreate.model_validate(
            book_body(
                title="  Clean Code ", author="\tRobert C. Martin\n", isbn="978-0-13-235088-4"
            )
        )

        assert book.model_dump() == {
            "title": "Clean Code",
            "author": "Robert C. Martin",
            "isbn": "9780132350884",
            "price": Decimal("39.99"),
            "description": None,
            "stock": 0,
        }

    def test_required_fields_are_reported_missing(self) -> None:
        with pytest.raises(ValidationError, match="4 validation errors for BookCreate") as exc_info:
            BookCreate.model_validate({})

        assert error_summary(exc_info.value) == [
            {"type": "missing", "loc": (field,), "msg": "Field required"}
            for field in ("title", "author", "isbn", "price")
        ]

    def test_unknown_fields_are_ignored(self) -> None:
        book = BookCreate.model_validate(book_body(id=7, owner_id=99, cover_url="/x.png"))

        assert book.model_dump() == BookCreate.model_validate(book_body()).model_dump()

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            pytest.param("title", "", id="empty_title"),
            pytest.param("title", "   ", id="blank_title"),
            pytest.param("author", "", id="empty_author"),
            pytest.param("author", " \t\n", id="blank_author"),
        ],
    )
    def test_blank_title_or_author_is_rejected(self, field: str, value: str) -> None:
        with pytest.raises(ValidationError, match=field) as exc_info:
            BookCreate.model_validate(book_body(**{field: value}))

        assert error_summary(exc_info.value) == [
            {
                "type": "string_too_short",
                "loc": (field,),
                "msg": "String should have at least 1 character",
            }
        ]

    @pytest.mark.parametrize(
        ("field", "value", "kept"),
        [
            pytest.param("title", "t" * 300, "t" * 300, id="title_300"),
            pytest.param("author", "a" * 200, "a" * 200, id="author_200"),
            pytest.param("title", f"  {'t' * 300}  ", "t" * 300, id="title_trimmed_before_count"),
            pytest.param("description", "d" * 2000, "d" * 2000, id="description_2000"),
        ],
    )
    def test_text_at_max_length_is_accepted(self, field: str, value: str, kept: str) -> None:
        book = BookCreate.model_validate(book_body(**{field: value}))

        assert book.model_dump()[field] == kept

    @pytest.mark.parametrize(
        ("field", "length", "limit"),
        [
            pytest.param("title", 301, 300, id="title_301"),
            pytest.param("author", 201, 200, id="author_201"),
            pytest.param("description", 2001, 2000, id="description_2001"),
        ],
    )
    def test_text_over_max_length_is_rejected(self, field: str, length: int, limit: int) -> None:
        with pytest.raises(ValidationError, match=field) as exc_info:
            BookCreate.model_validate(book_body(**{field: "x" * length}))

        assert error_summary(exc_info.value) == [
            {
                "type": "string_too_long",
                "loc": (field,),
                "msg": f"String should have at most {limit} characters",
            }
        ]

    @pytest.mark.parametrize(
        ("price", "expected"),
        [
            pytest.param(10.55, "Decimal('10.55')", id="float_not_rounded"),
            pytest.param("10.55", "Decimal('10.55')", id="string"),
            pytest.param(Decimal("0.01"), "Decimal('0.01')", id="smallest"),
            pytest.param(100000, "Decimal('100000')", id="largest_int"),
            pytest.param("100000.00", "Decimal('100000.00')", id="largest_with_cents"),
            pytest.param("39.9", "Decimal('39.9')", id="one_decimal"),
        ],
    )
    def test_price_is_kept_as_exact_decimal(self, price: object, expected: str) -> None:
        book = BookCreate.model_validate(book_body(price=price))

        assert repr(book.price) == expected

    def test_price_from_json_is_kept_as_exact_decimal(self) -> None:
        book = BookCreate.model_validate_json(json.dumps(book_body(price=10.55)))

        assert repr(book.price) == "Decimal('10.55')"

    @pytest.mark.parametrize(
        ("price", "error_type", "msg"),
        [
            pytest.param(0, "greater_than", "Input should be greater than 0", id="zero"),
            pytest.param("-0.01", "greater_than", "Input should be greater than 0", id="negative"),
            pytest.param(
                "100000.01",
                "less_than_equal",
                "Input should be less than or equal to 100000",
                id="over_maximum",
            ),
            pytest.param(
                "10.555",
                "decimal_max_places",
                "Decimal input should have no more than 2 decimal places",
                id="three_decimals",
            ),
            # Text that is no plain decimal (TestPriceText).
            pytest.param("NaN", "value_error", NOT_A_DECIMAL, id="nan"),
            pytest.param("Infinity", "value_error", NOT_A_DECIMAL, id="infinity"),
            pytest.param("ten", "value_error", NOT_A_DECIMAL, id="not_a_number"),
            pytest.param(
                float("nan"), "finite_number", "Input should be a finite number", id="nan_number"
            ),
            pytest.param(
                None,
                "decimal_type",
                "Decimal input should be an integer, float, string or Decimal object",
                id="null",
            ),
        ],
    )
    def test_invalid_price_is_rejected(self, price: object, error_type: str, msg: str) -> None:
        with pytest.raises(ValidationError, match="price") as exc_info:
            BookCreate.model_validate(book_body(price=price))

        assert error_summary(exc_info.value) == [
            {"type": error_type, "loc": ("price",), "msg": msg}
        ]

    def test_price_is_a_json_number(self) -> None:
        book = BookCreate.model_validate(book_body(description="A handbook", stock=3))

        assert book.model_dump_json() == (
            '{"title":"Clean Code","author":"Robert C. Martin","isbn":"9780132350884",'
            '"price":39.99,"description":"A handbook","stock":3}'
        )

    def test_invalid_isbn_is_rejected(self) -> None:
        with pytest.raises(ValidationError, match="isbn") as exc_info:
            BookCreate.model_validate(book_body(isbn="978-0-13-235088-5"))

        assert error_summary(exc_info.value) == [
            {
                "type": "value_error",
                "loc": ("isbn",),
                "msg": "Value error, ISBN check digit is wrong",
            }
        ]

    def test_zero_stock_is_accepted(self) -> None:
        assert BookCreate.model_validate(book_body(stock=0)).stock == 0

    def test_negative_stock_is_rejected(self) -> None:
        with pytest.raises(ValidationError, match="stock") as exc_info:
            BookCreate.model_validate(book_body(stock=-1))

        assert error_summary(exc_info.value) == [
            {
                "type": "greater_than_equal",
                "loc": ("stock",),
                "msg": "Input should be greater than or equal to 0",
            }
        ]


class TestPriceText:
    """Issue 15: the schema said any string; Python's Decimal also reads blanks, underscores and
    other scripts' digits, and "" was a 422 about parsing. The text must be a plain decimal."""

    @pytest.mark.parametrize(
        "text",
        [
            pytest.param("", id="empty"),
            pytest.param(" 5", id="leading_blank"),
            pytest.param("5\n", id="trailing_newline"),
            pytest.param("1_000", id="underscore"),
            pytest.param("\u0661", id="arabic_indic_digit"),
            pytest.param("NaN", id="nan"),
            pytest.param("0x10", id="hexadecimal"),
            pytest.param("1e1000", id="four_digit_exponent"),
        ],
    )
    def test_text_that_is_not_a_plain_decimal_is_refused(self, text: str) -> None:
        with pytest.raises(ValidationError) as exc_info:
            BookCreate.model_validate(book_body(price=text))

        assert [(error["loc"], error["msg"]) for error in exc_info.value.errors()] == [
            (("price",), NOT_A_DECIMAL)
        ]

    @pytest.mark.parametrize(
        ("text", "price"),
        [
            pytest.param("19.99", Decimal("19.99"), id="plain"),
            pytest.param("+7", Decimal(7), id="signed"),
            pytest.param(".5", Decimal("0.5"), id="no_integer_part"),
            pytest.param("1E+5", Decimal(100000), id="exponent"),
            pytest.param("100000.0000", Decimal(100000), id="trailing_zeros"),
        ],
    )
    def test_plain_decimals_are_read(self, text: str, price: Decimal) -> None:
        assert BookCreate.model_validate(book_body(price=text)).price == price


class TestBookUpdate:
    def test_omitted_fields_are_not_set(self) -> None:
        update = BookUpdate.model_validate({"price": "12.50", "title": " Refactoring "})

        assert update.model_dump(exclude_unset=True) == {
            "title": "Refactoring",
            "price": Decimal("12.50"),
        }

    def test_empty_body_sets_nothing(self) -> None:
        assert BookUpdate.model_validate({}).model_dump(exclude_unset=True) == {}

    @pytest.mark.parametrize(
        "field",
        [
            pytest.param("title", id="title"),
            pytest.param("author", id="author"),
            pytest.param("isbn", id="isbn"),
            pytest.param("price", id="price"),
            pytest.param("stock", id="stock"),
        ],
    )
    def test_explicit_null_for_required_field_is_rejected(self, field: str) -> None:
        with pytest.raises(ValidationError, match=f"{field} may not be null") as exc_info:
            BookUpdate.model_validate({field: None})

        assert error_summary(exc_info.value) == [
            {"type": "value_error", "loc": (field,), "msg": f"Value error, {field} may not be null"}
        ]

    def test_explicit_null_description_clears_it(self) -> None:
        update = BookUpdate.model_validate({"description": None})

        assert update.model_dump(exclude_unset=True) == {"description": None}

    def test_sent_fields_are_normalised_like_book_create(self) -> None:
        update = BookUpdate.model_validate(
            {"author": "  Martin Fowler ", "isbn": "978 0 306 40615 7"}
        )

        assert update.model_dump(exclude_unset=True) == {
            "author": "Martin Fowler",
            "isbn": "9780306406157",
        }

    @pytest.mark.parametrize(
        ("body", "error_type"),
        [
            pytest.param({"title": "  "}, "string_too_short", id="blank_title"),
            pytest.param({"price": "0"}, "greater_than", id="zero_price"),
            pytest.param({"price": "1.001"}, "decimal_max_places", id="three_decimals"),
            pytest.param({"stock": -1}, "greater_than_equal", id="negative_stock"),
            pytest.param({"isbn": "9780306406158"}, "value_error", id="wrong_check_digit"),
            pytest.param({"description": "d" * 2001}, "string_too_long", id="long_description"),
        ],
    )
    def test_sent_fields_follow_book_create_rules(
        self, body: dict[str, object], error_type: str
    ) -> None:
        with pytest.raises(ValidationError, match="1 validation error for BookUpdate") as exc_info:
            BookUpdate.model_validate(body)

        assert [(error["loc"], error["type"]) for error in exc_info.value.errors()] == [
            (tuple(body), error_type)
        ]


class TestBookPublic:
    def test_reads_a_model_and_sends_price_as_json_number(self) -> None:
        moment = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)
        row = SimpleNamespace(
            id=1,
            title="Clean Code",
            author="Robert C. Martin",
            isbn="9780132350884",
            price=Decimal("39.99"),
            description=None,
            stock=2,
            owner_id=5,
            created_at=moment,
            updated_at=moment,
        )

        assert json.loads(BookPublic.model_validate(row).model_dump_json()) == {
            "id": 1,
            "title": "Clean Code",
            "author": "Robert C. Martin",
            "isbn": "9780132350884",
            "price": 39.99,
            "description": None,
            "stock": 2,
            "owner_id": 5,
            "cover_url": None,
            "created_at": "2026-01-31T12:00:00Z",
            "updated_at": "2026-01-31T12:00:00Z",
        }


class TestBookSort:
    def test_values_are_the_documented_sort_keys(self) -> None:
        assert [sort.value for sort in BookSort] == [
            "title",
            "-title",
            "price",
            "-price",
            "created_at",
            "-created_at",
        ]
