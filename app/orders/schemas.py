from datetime import datetime
from decimal import Decimal
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.core.db import MAX_ID
from app.core.schema import AS_JSON_NUMBER, RequestBody
from app.orders.models import OrderStatus

JsonMoney = Annotated[Decimal, AS_JSON_NUMBER]


class OrderLine(RequestBody):
    book_id: Annotated[int, Field(ge=1, le=MAX_ID)]
    quantity: Annotated[int, Field(ge=1, le=100)]


class OrderCreate(RequestBody):
    # `uniqueItems` states what JSON Schema can of "each book once" (issue 15): two equal lines.
    items: Annotated[
        list[OrderLine],
        Field(
            min_length=1,
            max_length=50,
            description="Each book at most once",
            json_schema_extra={"uniqueItems": True},
        ),
    ]

    @model_validator(mode="after")
    def _each_book_once(self) -> Self:
        book_ids = [line.book_id for line in self.items]
        if len(set(book_ids)) != len(book_ids):
            raise ValueError("each book may appear only once in an order")
        return self


class OrderItemPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    book_id: int
    quantity: int
    unit_price: JsonMoney


class OrderPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    status: OrderStatus
    items: list[OrderItemPublic]
    total: JsonMoney
    created_at: datetime
