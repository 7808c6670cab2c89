"""Load-test data: unique per run and user, and valid for the API it is sent to."""

import re

import pytest

from app.books.isbn import normalise_isbn
from app.books.schemas import BookCreate
from app.files.inspection import PNG, sniff
from app.users.password_policy import check_password_policy
from loadtests import _data


class TestUniqueness:
    def test_emails_carry_the_run_id_and_differ_per_user(self) -> None:
        emails = {_data.unique_email("abc123", "customer") for _ in range(200)}

        assert len(emails) == 200
        assert all(re.fullmatch(r"lt-abc123-customer-[0-9a-f]{12}@example\.com", e) for e in emails)

    def test_run_ids_differ(self) -> None:
        assert len({_data.new_run_id() for _ in range(100)}) == 100

    def test_seed_titles_are_found_by_searching_the_run_id(self) -> None:
        assert _data.seed_title("abc123", 7) == "Load test stock abc123 #7"


class TestValidForTheApi:
    @pytest.mark.parametrize("attempt", range(20))
    def test_random_isbn_passes_the_apps_check(self, attempt: int) -> None:
        isbn = _data.random_isbn()

        assert normalise_isbn(isbn) == isbn
        assert isbn.startswith("979")

    def test_book_payload_is_a_valid_book_create(self) -> None:
        payload = _data.book_payload("A title", stock=_data.SEED_STOCK)

        book = BookCreate.model_validate(payload)

        assert (book.title, book.stock) == ("A title", 1_000_000)

    def test_passwords_pass_the_policy(self) -> None:
        password = _data.new_password()

        assert check_password_policy(password) == password

    def test_tiny_png_is_judged_a_png_by_its_bytes(self) -> None:
        assert sniff(_data.tiny_png()[:64]) == PNG
