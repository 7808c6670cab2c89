"""JSON Schema adjustments the domains' schemas share."""

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field, PlainSerializer, model_validator
from pydantic.fields import FieldInfo
from pydantic_core import PydanticKnownError

NULL = {"type": "null"}

# Money is a Decimal in the server and a JSON number on the wire (Pydantic would send a string).
AS_JSON_NUMBER = PlainSerializer(float, return_type=float, when_used="json")


def omit_null(schema: dict[str, Any]) -> None:
    """Drops the `null` branch FastAPI publishes for an `X | None = None` field.

    For PATCH fields that may be left out but refuse an explicit null (their validator answers
    422): the schema offered null, and clients sending it were refused (issue 15, external
    contract check). Not `SkipJsonSchema[None]`: it makes the field a union, and 422 locations
    gain union tags (`["body", "title", "function-after[...]"]`).
    """
    branches = schema.pop("anyOf", None)
    if branches is None:
        return
    kept = [branch for branch in branches if branch != NULL]
    if len(kept) == 1:
        schema.update(kept[0])
    else:
        schema["anyOf"] = kept


def omitted_not_null() -> FieldInfo:
    """`Annotated[X | None, omitted_not_null()] = None`: may be left out, may not be null."""
    info: FieldInfo = Field(json_schema_extra=omit_null)
    return info


class RequestBody(BaseModel):
    """Base of every JSON request body model, and of the models inside one.

    FastAPI validates a body with `from_attributes=True`, and `DecimalJSONRequest` parses `0.5`
    as a `Decimal`, which Pydantic, unlike a float, reads attributes from: a model whose fields
    may all be left out took `0.5` for `{}` (live Schemathesis, ST201). A `Decimal` gets the
    error any other non-object body gets.
    """

    @model_validator(mode="before")
    @classmethod
    def _not_a_number(cls, data: Any) -> Any:
        if isinstance(data, Decimal):
            raise PydanticKnownError("model_attributes_type")
        return data
