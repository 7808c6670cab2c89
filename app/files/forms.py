"""Multipart bodies read only once the caller may send them (issue 15, finding 8).

FastAPI reads a route's `File()` body before it solves a single dependency: an anonymous
client's upload would be received in full, spooled to disk, and only then refused. The upload
routes therefore declare no body parameter. Their files come from a dependency that depends on
the caller (and, for a cover, on the book's permission check): a refused request is answered
with its body unread, and the body limit middleware closes the connection on it.

What FastAPI did for the declared body is done here the same way: the form is parsed with
Starlette's defaults and closed after the handler, the field validated by pydantic with FastAPI's
422 shape (`loc` under `body`), and the request body stated in the OpenAPI schema by hand.
"""

from collections.abc import AsyncIterator
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from pydantic import Field, TypeAdapter, ValidationError
from starlette.datastructures import FormData

T = TypeVar("T")

BINARY = {"type": "string", "contentMediaType": "application/octet-stream"}


# FastAPI documents its 422 only for the parameters and bodies it validates itself.
VALIDATION_ERROR = {
    "description": "Validation Error",
    "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}
    },
}


def multipart_body(title: str, name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """`openapi_extra` stating a required multipart body with one required field, and its 422."""
    body = {"title": title, "type": "object", "properties": {name: schema}, "required": [name]}
    content = {"multipart/form-data": {"schema": body}}
    return {
        "requestBody": {"required": True, "content": content},
        "responses": {"422": VALIDATION_ERROR},
    }


async def open_form(request: Request) -> AsyncIterator[FormData]:
    """The request's form, its spooled files closed once the handler has returned.

    Depend on it *after* the caller's check, in the same dependency: FastAPI solves a
    dependency's parameters in order and stops at the first that raises.
    """
    form = await request.form()
    try:
        yield form
    finally:
        await form.close()


FormDep = Annotated[FormData, Depends(open_form, scope="function")]


def field(form: FormData, name: str, adapter: TypeAdapter[T], *, many: bool = False) -> T:
    """`form[name]` (every value when `many`) validated by `adapter`; a 422 as FastAPI's."""
    values = form.getlist(name)
    if not values:
        raise RequestValidationError(
            [{"type": "missing", "loc": ("body", name), "msg": "Field required"}]
        )
    try:
        return adapter.validate_python(values if many else values[-1])
    except ValidationError as error:
        raise RequestValidationError(
            [{**detail, "loc": ("body", name, *detail["loc"])} for detail in error.errors()]
        ) from None


# A multipart part without a filename (or with filename="") arrives as a plain form field. The
# service takes it as its own `Part` (an `Upload` protocol or a str).
Part = UploadFile | str
ONE_PART = TypeAdapter[Part](Part)
ONE_FILE = TypeAdapter[UploadFile](UploadFile)


def files_adapter(most: int) -> TypeAdapter[list[UploadFile]]:
    """Up to `most` files; `field` answers a form with none as a missing field."""
    return TypeAdapter(Annotated[list[UploadFile], Field(max_length=most)])
