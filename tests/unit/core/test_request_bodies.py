"""Every JSON body model of the app, at every depth, refuses a number where an object belongs.

FastAPI validates a body with `from_attributes=True`, and `DecimalJSONRequest` parses `0.5` as a
`Decimal`: an object Pydantic reads attributes from, so a model whose fields may all be left
out took `0.5` for `{}` (PATCH /books/{id} answered 200; live Schemathesis, ST201). The routes
come from the routers the app includes, so a route added later is checked too.
"""

import typing
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from fastapi import params
from fastapi.routing import APIRoute
from pydantic import BaseModel, TypeAdapter, ValidationError

from app.main import ROUTERS, create_app
from tests.support.payloads import NOT_AN_OBJECT
from tests.unit.validation import error_summary

FRACTION = Decimal("0.5")


def json_body_routes() -> list[APIRoute]:
    return [
        route
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        and route.body_field is not None
        and not isinstance(route.body_field.field_info, params.Form)
    ]


def models_within(annotation: Any) -> Iterator[type[BaseModel]]:
    """The models an annotation names, and the models their fields name, at any depth."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        for field in annotation.model_fields.values():
            yield from models_within(field.annotation)
    for argument in typing.get_args(annotation):
        yield from models_within(argument)


def body_models() -> list[type[BaseModel]]:
    fields = (route.body_field for route in json_body_routes())
    found = (models_within(field.field_info.annotation) for field in fields if field is not None)
    return sorted({model for models in found for model in models}, key=lambda m: m.__name__)


class TestRequestBodies:
    @pytest.mark.parametrize("route", json_body_routes(), ids=lambda route: route.name)
    def test_a_fraction_for_the_body_is_refused_as_not_an_object(self, route: APIRoute) -> None:
        assert route.body_field is not None
        # FastAPI's own validation of a body, as a request runs it.
        value, errors = route.body_field.validate(FRACTION, loc=("body",))

        assert value is None
        assert [{key: error[key] for key in ("loc", "msg", "type")} for error in errors] == [
            {**NOT_AN_OBJECT, "loc": ("body",)}
        ]

    @pytest.mark.parametrize("model", body_models(), ids=lambda model: model.__name__)
    def test_a_fraction_for_any_nested_model_is_refused(self, model: type[BaseModel]) -> None:
        with pytest.raises(ValidationError) as caught:
            TypeAdapter(model).validate_python(FRACTION, from_attributes=True)

        assert error_summary(caught.value) == [{**NOT_AN_OBJECT, "loc": ()}]

    def test_every_json_request_body_of_the_schema_is_checked(self) -> None:
        operations = create_app().openapi()["paths"].values()
        bodies = [
            operation["requestBody"]
            for methods in operations
            for operation in methods.values()
            if "application/json" in operation.get("requestBody", {}).get("content", {})
        ]

        assert len(bodies) == len(json_body_routes())
        assert {model.__name__ for model in body_models()} >= {"BookUpdate", "OrderLine"}
