"""Schema invariants over generated inputs: BookCreate/BookUpdate, ISBN-13s, prices, UserCreate."""

import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from app.books.isbn import ISBN_PATTERN, isbn13_check_digit, normalise_isbn
from app.books.schemas import BookCreate, BookUpdate
from app.users.schemas import UserCreate
from tests.property.strategies import (
    UNICODE_WHITE_SPACE,
    any_passwords,
    any_prices,
    any_stocks,
    book_create_bodies,
    book_update_bodies,
    free_text,
    invalid_isbn13s,
    invalid_passwords,
    invisible_text,
    is_valid_isbn13_oracle,
    is_valid_password_oracle,
    is_valid_price_oracle,
    is_valid_stock_oracle,
    isbn13s,
    isbn_like_text,
    mixed_case_emails,
    padded_titles,
    price_as_json,
    rendered_isbn13s,
    shows_something_oracle,
    valid_passwords,
    with_nul,
)

VALID_BOOK: dict[str, Any] = {
    "title": "Dune",
    "author": "Frank Herbert",
    "isbn": "9780441013593",
    "price": "9.99",
}
VALID_USER: dict[str, Any] = {"name": "Ada", "email": "ada@example.com", "password": "s3cret-pass"}


def error_locations(exc: ValidationError) -> list[tuple[int | str, ...]]:
    return [error["loc"] for error in exc.errors()]


def rejected_fields(schema: type[BaseModel], body: dict[str, Any]) -> list[tuple[int | str, ...]]:
    """Where validating `body` fails; empty when it is accepted."""
    try:
        schema.model_validate(body)
    except ValidationError as exc:
        return error_locations(exc)
    return []


class TestBookCreate:
    @given(body=book_create_bodies())
    def test_valid_body_round_trips_through_json_exactly(self, body: dict[str, Any]) -> None:
        book = BookCreate.model_validate(body)

        assert BookCreate.model_validate_json(book.model_dump_json()) == book

    @given(title=padded_titles(), author=padded_titles(max_size=200))
    def test_title_and_author_are_trimmed_once_and_for_all(self, title: str, author: str) -> None:
        book = BookCreate.model_validate(VALID_BOOK | {"title": title, "author": author})
        again = BookCreate.model_validate(book.model_dump())

        assert (book.title, book.author) == (
            title.strip(UNICODE_WHITE_SPACE),
            author.strip(UNICODE_WHITE_SPACE),
        )
        assert (again.title, again.author) == (book.title, book.author)

    @given(
        field=st.sampled_from(["title", "author"]), text=st.one_of(invisible_text(), free_text())
    )
    @example(field="title", text="\u200b").via("a zero-width space alone")
    @example(field="author", text="\u3164").via("a Hangul filler alone")
    def test_title_or_author_is_accepted_iff_it_shows_something(
        self, field: str, text: str
    ) -> None:
        trimmed = text.strip(UNICODE_WHITE_SPACE)
        valid = 0 < len(trimmed) <= 200 and shows_something_oracle(trimmed)

        for schema, body in ((BookCreate, VALID_BOOK), (BookUpdate, {})):
            assert rejected_fields(schema, body | {field: text}) == ([] if valid else [(field,)])

    @given(field=st.sampled_from(["title", "author", "description"]), text=with_nul())
    @example(field="title", text="\x00").via("NUL alone")
    @example(field="description", text="Spice\x00").via("NUL at the end")
    def test_nul_anywhere_in_free_text_is_rejected(self, field: str, text: str) -> None:
        for schema, body in ((BookCreate, VALID_BOOK), (BookUpdate, {})):
            with pytest.raises(ValidationError) as exc_info:
                schema.model_validate(body | {field: text})

            assert error_locations(exc_info.value) == [(field,)]


class TestIsbn:
    @given(digits=isbn13s(), data=st.data())
    def test_any_rendering_of_a_valid_isbn_normalises_to_its_13_digits(
        self, digits: str, data: st.DataObject
    ) -> None:
        rendering = data.draw(rendered_isbn13s(digits), label="rendering")

        assert normalise_isbn(rendering) == digits

    @given(text=isbn_like_text())
    def test_normalisation_is_idempotent(self, text: str) -> None:
        try:
            once = normalise_isbn(text)
        except ValueError:
            assert not is_valid_isbn13_oracle(text)
        else:
            assert normalise_isbn(once) == once

    @given(text=isbn_like_text())
    @example(text="978-0-441-01359-3")
    @example(text="978\u3000044101359\t3").via("whitespace other than a space")
    @example(text="97804410135٩3").via("Arabic-Indic check digit")
    @example(text="９７８０４４１０１３５９３").via("fullwidth digits")
    def test_text_is_accepted_iff_it_is_a_valid_isbn13(self, text: str) -> None:
        expected_digits = "".join(ch for ch in text if ch != "-" and not ch.isspace())

        body = VALID_BOOK | {"isbn": text}
        valid = is_valid_isbn13_oracle(text)

        assert rejected_fields(BookCreate, body) == ([] if valid else [("isbn",)])
        if valid:
            assert BookCreate.model_validate(body).isbn == expected_digits

    @given(text=isbn_like_text())
    @example(text="978\x1c044101359\x853").via("whitespace only Python calls whitespace")
    @example(text="978\ufeff0441013593").via("whitespace only ECMAScript calls whitespace")
    def test_the_published_pattern_matches_iff_only_the_check_digit_can_be_wrong(
        self, text: str
    ) -> None:
        """Issue 15: what the schema's pattern allows is what the server reads; the check digit
        is the one rule left to `format: isbn-13`."""
        digits = "".join(ch for ch in text if ch != "-" and not ch.isspace())
        reads = len(digits) == 13 and digits.isascii() and digits.isdigit()

        assert (re.fullmatch(ISBN_PATTERN, text) is not None) == reads
        if reads and isbn13_check_digit(digits[:12]) != int(digits[12]):
            with pytest.raises(ValueError, match=r"^ISBN check digit is wrong$"):
                normalise_isbn(text)

    @given(text=invalid_isbn13s())
    def test_near_miss_isbns_are_rejected(self, text: str) -> None:
        with pytest.raises(ValidationError) as exc_info:
            BookCreate.model_validate(VALID_BOOK | {"isbn": text})

        assert error_locations(exc_info.value) == [("isbn",)]


class TestPrice:
    @given(data=st.data(), price=any_prices())
    @example(data=None, price=Decimal("100000.00")).via("upper bound with trailing zeros")
    @example(data=None, price=Decimal("1.100")).via("3 places, 2 significant")
    def test_price_is_accepted_iff_in_range_with_at_most_two_decimals(
        self, data: st.DataObject | None, price: Decimal
    ) -> None:
        sent = data.draw(price_as_json(price), label="sent") if data is not None else price

        body = VALID_BOOK | {"price": sent}
        valid = is_valid_price_oracle(price)

        assert rejected_fields(BookCreate, body) == ([] if valid else [("price",)])
        if valid:
            assert BookCreate.model_validate(body).price == price


class TestStock:
    @given(stock=any_stocks())
    @example(stock=2**31 - 1).via("the column's largest")
    @example(stock=2**31).via("one past it")
    def test_stock_is_accepted_iff_it_fits_its_column(self, stock: int) -> None:
        valid = is_valid_stock_oracle(stock)

        for schema, body in ((BookCreate, VALID_BOOK), (BookUpdate, {})):
            rejected = rejected_fields(schema, body | {"stock": stock})
            assert rejected == ([] if valid else [("stock",)])


class TestBookUpdate:
    @given(body=book_update_bodies())
    def test_dump_without_unset_fields_has_exactly_the_sent_keys(
        self, body: dict[str, Any]
    ) -> None:
        update = BookUpdate.model_validate(body)

        assert update.model_dump(exclude_unset=True).keys() == body.keys()


class TestUserCreate:
    @given(email=mixed_case_emails())
    def test_email_is_lower_cased_and_stays_so(self, email: str) -> None:
        user = UserCreate.model_validate(VALID_USER | {"email": email})
        again = UserCreate.model_validate(user.model_dump())

        assert user.email == email.lower()
        assert again.email == user.email

    @given(password=any_passwords())
    def test_password_is_accepted_iff_the_policy_allows_it(self, password: str) -> None:
        expected = [] if is_valid_password_oracle(password) else [("password",)]

        assert rejected_fields(UserCreate, VALID_USER | {"password": password}) == expected

    @given(password=valid_passwords())
    def test_policy_passwords_are_accepted_unchanged(self, password: str) -> None:
        user = UserCreate.model_validate(VALID_USER | {"password": password})

        assert user.password == password

    @given(password=invalid_passwords())
    def test_short_long_numeric_and_common_passwords_are_rejected(self, password: str) -> None:
        with pytest.raises(ValidationError) as exc_info:
            UserCreate.model_validate(VALID_USER | {"password": password})

        assert error_locations(exc_info.value) == [("password",)]
