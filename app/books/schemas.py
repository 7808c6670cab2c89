import re
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

from app.books.isbn import ISBN_JSON_SCHEMA, normalise_isbn
from app.books.models import MAX_STOCK
from app.core.schema import AS_JSON_NUMBER, RequestBody, omitted_not_null
from app.core.text import NoNul, Visible

Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), NoNul, Visible
]
Author = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NoNul, Visible
]
# The schema states the rule normalise_isbn checks (issue 15).
Isbn = Annotated[str, AfterValidator(normalise_isbn), WithJsonSchema(ISBN_JSON_SCHEMA)]
Description = Annotated[str, Field(max_length=2000), NoNul]
Stock = Annotated[int, Field(ge=0, le=MAX_STOCK)]
# A price sent as text is a plain decimal (`19.99`, `1E+5`): no blanks, underscores or other
# scripts' digits, which Python's Decimal would also read (issue 15: the schema said "any string").
# An exponent of at most 3 digits: Python's Decimal cannot hold 1e632480270573391396206710.
DECIMAL_TEXT = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?$"
_DECIMAL_TEXT = re.compile(DECIMAL_TEXT)
PRICE_RULE = "above 0, at most 100000, at most 2 decimal places"
PRICE_JSON_SCHEMA = {
    "anyOf": [
        {"type": "number", "exclusiveMinimum": 0, "maximum": 100000},
        {"type": "string", "pattern": DECIMAL_TEXT},
    ],
    "title": "Price",
    # A whole number of cents: `multipleOf: 0.01` would say it, but binary floats cannot
    # (57 * 0.01 is 0.5700000000000001), so generators and validators disagree with it.
    "description": f"A number or a decimal string: {PRICE_RULE}.",
}


def decimal_text(value: Any) -> Any:
    if isinstance(value, str) and _DECIMAL_TEXT.fullmatch(value) is None:
        raise ValueError("must be a decimal number, such as 19.99")
    return value


Money = Annotated[
    Decimal,
    Field(gt=0, le=100000, max_digits=8, decimal_places=2),
    BeforeValidator(decimal_text),
    AS_JSON_NUMBER,
    WithJsonSchema(PRICE_JSON_SCHEMA, mode="validation"),
]


class BookCreate(RequestBody):
    title: Title
    author: Author
    isbn: Isbn
    price: Money
    description: Description | None = None
    stock: Stock = 0


class BookUpdate(RequestBody):
    """PATCH body: any subset of BookCreate; an explicit null is allowed only where it may be."""

    # Left out or given, not null (the validator below); the schema says so (issue 15).
    title: Annotated[Title | None, omitted_not_null()] = None
    author: Annotated[Author | None, omitted_not_null()] = None
    isbn: Annotated[Isbn | None, omitted_not_null()] = None
    price: Annotated[Money | None, omitted_not_null()] = None
    description: Description | None = None
    stock: Annotated[Stock | None, omitted_not_null()] = None

    @field_validator("title", "author", "isbn", "price", "stock", mode="before")
    @classmethod
    def _reject_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None:
            raise ValueError(f"{info.field_name} may not be null")
        return value


class BookPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    author: str
    isbn: str
    price: Money
    description: str | None
    stock: int
    owner_id: int
    cover_url: str | None = None
    created_at: datetime
    updated_at: datetime


class BookSort(StrEnum):
    TITLE = "title"
    TITLE_DESC = "-title"
    PRICE = "price"
    PRICE_DESC = "-price"
    CREATED_AT = "created_at"
    CREATED_AT_DESC = "-created_at"
