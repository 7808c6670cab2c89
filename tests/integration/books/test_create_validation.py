"""POST /books with invalid bodies: 422 with exactly loc, msg and type, and nothing stored."""

from typing import Any

import httpx
import pytest
from dirty_equals import IsStr
from sqlalchemy.ext.asyncio import AsyncSession

from tests.support.payloads.books import DUNE, DUNE_ISBN, book_rows


class TestCreateBookValidation:
    @pytest.mark.parametrize(
        ("changes", "loc", "error_type"),
        [
            pytest.param({"isbn": "9780441013594"}, "isbn", "value_error", id="bad_check_digit"),
            pytest.param({"isbn": "978044101359"}, "isbn", "value_error", id="12_digits"),
            pytest.param({"isbn": "97804410135930"}, "isbn", "value_error", id="14_digits"),
            pytest.param({"isbn": "978O441013593"}, "isbn", "value_error", id="letter_o"),
            pytest.param({"isbn": "０441013593978"}, "isbn", "value_error", id="fullwidth_digit"),
            pytest.param({"isbn": 9780441013593}, "isbn", "string_type", id="isbn_as_number"),
            pytest.param({"price": 0}, "price", "greater_than", id="price_0"),
            pytest.param({"price": -1}, "price", "greater_than", id="price_negative"),
            pytest.param({"price": 10.555}, "price", "decimal_max_places", id="three_decimals"),
            pytest.param({"price": 100000.01}, "price", "less_than_equal", id="price_too_high"),
            pytest.param({"price": None}, "price", "decimal_type", id="null_price"),
            pytest.param({"title": "   "}, "title", "string_too_short", id="blank_title"),
            pytest.param({"title": None}, "title", "string_type", id="null_title"),
            pytest.param({"title": "T" * 301}, "title", "string_too_long", id="long_title"),
            pytest.param({"author": ""}, "author", "string_too_short", id="empty_author"),
            pytest.param({"author": "A" * 201}, "author", "string_too_long", id="long_author"),
            pytest.param({"description": "d" * 2001}, "description", "string_too_long", id="desc"),
            pytest.param({"stock": -1}, "stock", "greater_than_equal", id="negative_stock"),
            pytest.param({"stock": None}, "stock", "int_type", id="null_stock"),
            pytest.param({"stock": 1.5}, "stock", "int_from_float", id="fractional_stock"),
        ],
    )
    @pytest.mark.auth("customer")
    async def test_invalid_field_returns_422(
        self,
        auth_client: httpx.AsyncClient,
        db_session: AsyncSession,
        changes: dict[str, Any],
        loc: str,
        error_type: str,
    ) -> None:
        response = await auth_client.post("/books", json={**DUNE, **changes})

        assert response.status_code == 422, response.text
        # Exactly loc, msg and type: the submitted value is never echoed back.
        assert response.json() == {
            "detail": [{"loc": ["body", loc], "msg": IsStr(), "type": error_type}]
        }
        assert await book_rows(db_session) == []

    @pytest.mark.auth("customer")
    async def test_missing_fields_are_each_reported(self, auth_client: httpx.AsyncClient) -> None:
        response = await auth_client.post("/books", json={"description": "only"})

        assert response.status_code == 422, response.text
        assert response.json() == {
            "detail": [
                {"loc": ["body", field], "msg": "Field required", "type": "missing"}
                for field in ["title", "author", "isbn", "price"]
            ]
        }

    @pytest.mark.parametrize(
        ("price", "error_type"),
        [
            pytest.param(
                "10.0000000000000001", "decimal_max_digits", id="digits_a_float_would_round_away"
            ),
            pytest.param("19.999", "decimal_max_places", id="three_decimals"),
            pytest.param("1e-3", "decimal_max_places", id="exponent"),
        ],
    )
    @pytest.mark.auth("customer")
    async def test_price_is_judged_on_the_digits_sent(
        self,
        auth_client: httpx.AsyncClient,
        price: str,
        error_type: str,
    ) -> None:
        content = f'{{"title": "Dune", "author": "F", "isbn": "{DUNE_ISBN}", "price": {price}}}'

        response = await auth_client.post(
            "/books", content=content.encode(), headers={"Content-Type": "application/json"}
        )

        assert response.status_code == 422, response.text
        assert response.json() == {
            "detail": [{"loc": ["body", "price"], "msg": IsStr(), "type": error_type}]
        }

    @pytest.mark.auth("customer")
    async def test_check_digit_message_names_the_problem(
        self, auth_client: httpx.AsyncClient
    ) -> None:
        response = await auth_client.post("/books", json={**DUNE, "isbn": "978-0-441-01359-4"})

        assert response.status_code == 422, response.text
        assert response.json() == {
            "detail": [
                {
                    "loc": ["body", "isbn"],
                    "msg": "Value error, ISBN check digit is wrong",
                    "type": "value_error",
                }
            ]
        }

    @pytest.mark.parametrize(
        ("content", "error"),
        [
            pytest.param(b"{not json", {"loc": ["body", 1], "type": "json_invalid"}, id="bad_json"),
            pytest.param(b"[]", {"loc": ["body"], "type": "model_attributes_type"}, id="array"),
            pytest.param(b"0.5", {"loc": ["body"], "type": "model_attributes_type"}, id="fraction"),
        ],
    )
    @pytest.mark.auth("customer")
    async def test_malformed_body_returns_422(
        self,
        auth_client: httpx.AsyncClient,
        content: bytes,
        error: dict[str, Any],
    ) -> None:
        response = await auth_client.post(
            "/books", content=content, headers={"Content-Type": "application/json"}
        )

        assert response.status_code == 422, response.text
        assert response.json() == {"detail": [{**error, "msg": IsStr()}]}
