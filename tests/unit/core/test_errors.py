import json
from collections.abc import Mapping

import pytest
from fastapi import Request
from fastapi.exceptions import RequestValidationError

from app.core.errors import (
    AppError,
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    handle_app_error,
    handle_validation_error,
)

# The handlers ignore the request; a bare ASGI scope is enough to build one.
REQUEST = Request({"type": "http", "method": "GET", "path": "/", "headers": []})


class TestAppErrors:
    @pytest.mark.parametrize(
        ("error_class", "status_code", "detail", "headers"),
        [
            pytest.param(AppError, 400, "Bad request", {}, id="app_error"),
            pytest.param(
                NotAuthenticated,
                401,
                "Not authenticated",
                {"WWW-Authenticate": "Bearer"},
                id="not_authenticated",
            ),
            pytest.param(PermissionDenied, 403, "Not authorized", {}, id="permission_denied"),
            pytest.param(NotFound, 404, "Not found", {}, id="not_found"),
            pytest.param(Conflict, 409, "Conflict", {}, id="conflict"),
        ],
    )
    def test_carries_status_detail_and_headers(
        self,
        error_class: type[AppError],
        status_code: int,
        detail: str,
        headers: Mapping[str, str],
    ) -> None:
        error = error_class()

        assert (error.status_code, error.detail, dict(error.headers), str(error)) == (
            status_code,
            detail,
            headers,
            detail,
        )

    def test_detail_given_at_raise_time_overrides_the_default_for_that_error_only(self) -> None:
        custom = NotFound("Order 7 not found")

        assert (custom.detail, str(custom), NotFound().detail) == (
            "Order 7 not found",
            "Order 7 not found",
            "Not found",
        )


class TestHandleAppError:
    async def test_responds_with_status_detail_and_headers(self) -> None:
        response = await handle_app_error(REQUEST, NotAuthenticated())

        assert (response.status_code, json.loads(bytes(response.body)), dict(response.headers)) == (
            401,
            {"detail": "Not authenticated"},
            {
                "content-length": str(len(response.body)),
                "content-type": "application/json",
                "www-authenticate": "Bearer",
            },
        )

    async def test_custom_detail_is_sent(self) -> None:
        response = await handle_app_error(REQUEST, Conflict("Book with ISBN 1 already exists"))

        assert (response.status_code, json.loads(bytes(response.body))) == (
            409,
            {"detail": "Book with ISBN 1 already exists"},
        )


class TestHandleValidationError:
    async def test_submitted_values_and_context_are_not_echoed(self) -> None:
        exc = RequestValidationError(
            [
                {
                    "type": "string_too_short",
                    "loc": ("body", "password"),
                    "msg": "String should have at least 8 characters",
                    "input": "hunter2",
                    "ctx": {"min_length": 8},
                    "url": "https://errors.pydantic.dev/2/v/string_too_short",
                },
                {
                    "type": "missing",
                    "loc": ("body", "email"),
                    "msg": "Field required",
                    "input": {"password": "hunter2"},
                },
            ]
        )

        response = await handle_validation_error(REQUEST, exc)

        assert (response.status_code, json.loads(bytes(response.body))) == (
            422,
            {
                "detail": [
                    {
                        "loc": ["body", "password"],
                        "msg": "String should have at least 8 characters",
                        "type": "string_too_short",
                    },
                    {"loc": ["body", "email"], "msg": "Field required", "type": "missing"},
                ]
            },
        )
