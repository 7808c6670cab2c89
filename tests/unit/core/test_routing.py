from decimal import Decimal

from starlette.types import Message

from app.core.routing import DecimalJSONRequest


def request_with_body(body: bytes) -> DecimalJSONRequest:
    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    scope = {"type": "http", "method": "POST", "path": "/", "headers": [], "query_string": b""}
    return DecimalJSONRequest(scope, receive)


class TestDecimalJSONRequest:
    async def test_fractions_are_parsed_as_exact_decimals(self) -> None:
        request = request_with_body(b'{"price": 10.0000000000000001, "stock": 3, "ok": true}')

        assert await request.json() == {
            "price": Decimal("10.0000000000000001"),
            "stock": 3,
            "ok": True,
        }

    async def test_the_body_is_parsed_once(self) -> None:
        request = request_with_body(b'{"price": 39.99}')

        first = await request.json()

        assert await request.json() is first
