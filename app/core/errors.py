"""Domain errors and the one place that maps them (and validation errors) to HTTP."""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar, cast

from fastapi import FastAPI, Request, status
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Match


class ErrorDetail(BaseModel):
    """The body of every error response but 422: `{"detail": "<message>"}`."""

    detail: str


_DESCRIPTIONS: Mapping[int, str] = MappingProxyType(
    {
        400: "Bad request (an unparsable body, or a rule of the operation)",
        401: "Not authenticated (sent with `WWW-Authenticate: Bearer`)",
        403: "Not authorized (or the account is deactivated)",
        404: "Not found",
        409: "Conflict with the current state",
        413: "Request body too large",
        415: "Unsupported file type",
        429: "Too many attempts (sent with `Retry-After`)",
        502: "An outside service failed or answered nonsense",
        504: "An outside service did not answer in time",
    }
)


def error_responses(*status_codes: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: each status documented with the `ErrorDetail` body."""
    return {
        code: {"model": ErrorDetail, "description": _DESCRIPTIONS[code]} for code in status_codes
    }


# What every route behind a bearer token can answer besides its own errors.
BEARER_ERRORS = (401, 403)
# What every route with a request body can answer: an undecodable body, or one over the limit.
BODY_ERRORS = (400, 413)


class AppError(Exception):
    """Base of every domain error; subclasses set the status and the message."""

    status_code: int = status.HTTP_400_BAD_REQUEST
    detail: str = "Bad request"
    headers: ClassVar[Mapping[str, str]] = {}
    # Headers of this one response on top of the class's (Retry-After varies per 429).
    extra_headers: Mapping[str, str] = MappingProxyType({})

    def __init__(
        self, detail: str | None = None, *, headers: Mapping[str, str] | None = None
    ) -> None:
        if detail is not None:
            self.detail = detail
        if headers is not None:
            self.extra_headers = dict(headers)
        super().__init__(self.detail)


class NotAuthenticated(AppError):
    status_code = status.HTTP_401_UNAUTHORIZED
    detail = "Not authenticated"
    headers: ClassVar[Mapping[str, str]] = {"WWW-Authenticate": "Bearer"}


class PermissionDenied(AppError):
    status_code = status.HTTP_403_FORBIDDEN
    detail = "Not authorized"


class NotFound(AppError):
    status_code = status.HTTP_404_NOT_FOUND
    detail = "Not found"


class Conflict(AppError):
    status_code = status.HTTP_409_CONFLICT
    detail = "Conflict"


class BadGateway(AppError):
    status_code = status.HTTP_502_BAD_GATEWAY
    detail = "Bad gateway"


class GatewayTimeout(AppError):
    status_code = status.HTTP_504_GATEWAY_TIMEOUT
    detail = "Gateway timeout"


async def handle_app_error(_request: Request, exc: Exception) -> JSONResponse:
    error = cast(AppError, exc)  # registered for AppError only
    return JSONResponse(
        {"detail": error.detail},
        status_code=error.status_code,
        headers={**error.headers, **error.extra_headers},
    )


async def handle_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422 shape without `input` or `ctx`: submitted values are never echoed."""
    errors = [
        {"loc": list(error["loc"]), "msg": error["msg"], "type": error["type"]}
        for error in cast(RequestValidationError, exc).errors()
    ]
    return JSONResponse({"detail": errors}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this request's path, sorted.

    Starlette's 405 names only the methods of the first route whose path matched, and FastAPI
    makes one route per method: `OPTIONS /books` said `Allow: GET` though `POST /books` exists
    (issue 15, external contract check). Here every route is asked; those whose path matches
    but not the method (`Match.PARTIAL`) are the resource's other methods. `iter_route_contexts`
    walks into included routers, which FastAPI keeps nested (`app.routes` holds the routers).
    """
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        match, _ = route.matches(request.scope)
        if match is Match.PARTIAL:
            methods.update(route.methods or ())
    return sorted(methods)


async def handle_http_error(request: Request, exc: Exception) -> Response:
    """FastAPI's own answer to an `HTTPException`, with a 405's `Allow` listing the resource's
    methods, all of them (RFC 9110, section 15.5.6)."""
    error = cast(HTTPException, exc)  # registered for HTTPException only
    if error.status_code == status.HTTP_405_METHOD_NOT_ALLOWED:
        # Starlette's, the only 405: the status phrase, and an Allow of the one route's methods.
        allow = ", ".join(allowed_methods(request))
        error = HTTPException(status.HTTP_405_METHOD_NOT_ALLOWED, headers={"Allow": allow})
    return await http_exception_handler(request, error)


def register_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, handle_app_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    app.add_exception_handler(HTTPException, handle_http_error)
