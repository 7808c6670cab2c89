"""Body checks the load-test users apply (loadtests/_checks.py)."""

from typing import Any

import pytest

from loadtests import _checks


def book(book_id: int = 1, author: str = "Ursula K. Le Guin") -> dict[str, Any]:
    return {
        "id": book_id, "title": "The Quiet Harbour 1", "author": author,
        "isbn": "9780000000002", "price": 4.99, "description": None, "stock": 3,
        "owner_id": 1, "cover_url": None,
        "created_at": "2026-01-31T12:00:00Z", "updated_at": "2026-01-31T12:00:00Z",
    }  # fmt: skip


def order(status: str = "placed", book_id: int = 7) -> dict[str, Any]:
    return {
        "id": 3,
        "status": status,
        "items": [{"book_id": book_id, "quantity": 1, "unit_price": 9.5}],
        "total": 9.5,
        "created_at": "2026-01-31T12:00:00Z",
    }


class TestBook:
    def test_a_complete_book_passes(self) -> None:
        assert _checks.book_problems(book(5), book_id=5) == []

    @pytest.mark.parametrize(
        ("body", "expected"),
        [
            pytest.param([], ["book: expected an object, got list"], id="not_an_object"),
            pytest.param(
                {**book(), "password_hash": "x"},
                [f"book: fields {sorted([*book(), 'password_hash'])} != {sorted(book())}"],
                id="extra_field",
            ),
            pytest.param({**book(), "id": 0}, ["book: bad id 0"], id="bad_id"),
            pytest.param(book(6), ["book: id 6 != requested 5"], id="other_book"),
        ],
    )
    def test_problems_are_named(self, body: Any, expected: list[str]) -> None:
        assert _checks.book_problems(body, book_id=5) == expected


class TestBookList:
    def test_an_ordered_page_passes(self) -> None:
        assert _checks.book_list_problems([book(1), book(2)], max_items=20) == []

    @pytest.mark.parametrize(
        ("body", "author", "expected"),
        [
            pytest.param({}, None, ["book list: expected an array, got dict"], id="object"),
            pytest.param(
                [book(1), book(2), book(3)], None, ["book list: 3 items > limit 2"], id="too_long"
            ),
            pytest.param(
                [book(2), book(1)], None, ["book list: ids [2, 1] not in order"], id="order"
            ),
            pytest.param(
                [book(1, author="Frank Herbert")],
                "le guin",
                ["book list: author 'Frank Herbert' does not match 'le guin'"],
                id="author_filter_ignored",
            ),
        ],
    )
    def test_problems_are_named(self, body: Any, author: str | None, expected: list[str]) -> None:
        assert _checks.book_list_problems(body, max_items=2, author=author) == expected

    def test_author_match_ignores_case(self) -> None:
        assert _checks.book_list_problems([book(1)], max_items=2, author="LE GUIN") == []


class TestOrder:
    def test_the_expected_order_passes(self) -> None:
        assert _checks.order_problems(order(), status="placed", book_id=7) == []

    def test_wrong_status_and_items_are_named(self) -> None:
        assert _checks.order_problems(order("cancelled", 8), status="placed", book_id=7) == [
            "order: status 'cancelled' != 'placed'",
            "order: items [(8, 1)] != [(7, 1)]",
        ]


class TestTokensAndUsers:
    def test_a_bearer_token_pair_passes(self) -> None:
        tokens = {
            "access_token": "a",
            "refresh_token": "r",
            "token_type": "bearer",
            "expires_in": 900,
        }

        assert _checks.token_problems(tokens) == []

    def test_an_empty_user_list_is_a_problem(self) -> None:
        assert _checks.user_list_problems([]) == ["user list: expected a non-empty array"]

    def test_a_user_with_a_password_hash_is_a_problem(self) -> None:
        user = {
            "id": 1, "name": "A", "email": "a@example.com", "role": "admin",
            "is_active": True, "created_at": "2026-01-31T12:00:00Z", "password_hash": "x",
        }  # fmt: skip

        assert _checks.user_list_problems([user]) == [
            f"user: fields {sorted(user)} != {sorted(_checks.USER_FIELDS)}"
        ]


class TestCover:
    def test_the_uploaded_png_passes(self) -> None:
        body = {"url": "/books/4/cover", "content_type": "image/png", "size": 69}

        assert _checks.cover_problems(body, book_id=4, size=69) == []

    def test_another_books_cover_is_a_problem(self) -> None:
        body = {"url": "/books/5/cover", "content_type": "image/png", "size": 69}

        assert _checks.cover_problems(body, book_id=4, size=69) == [
            f"cover: {body!r} != { ({**body, 'url': '/books/4/cover'})!r}"
        ]
