"""JSON bodies parsed with exact decimals, so `10.0000000000000001` is not silently `10.0`.

FastAPI reads JSON through `Request.json()`; the standard parser turns every number with a
fraction into a float first, which rounds away digits Pydantic would have rejected.
"""

import json
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute


class DecimalJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = json.loads(await self.body(), parse_float=Decimal)
        return self._json


class DecimalJSONRoute(APIRoute):
    """Routes whose body is JSON get `DecimalJSONRequest`; the others (every GET) are left as
    they are: a second `Request` per call is not free (docs/performance.md, third pass)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if self.body_field is None:
            return handler

        async def decimal_json_handler(request: Request) -> Response:
            return await handler(DecimalJSONRequest(request.scope, request.receive))

        return decimal_json_handler
