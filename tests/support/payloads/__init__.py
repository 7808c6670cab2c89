"""Whole-payload expectations per domain (the JSON an endpoint answers), for every test layer.

Here rather than under tests/integration, so meta and resilience tests need not import a test
layer of their own kind (issue 16, layers).
"""

from typing import Any

# The 422 detail for a JSON body that is not an object: the same for `[]`, `0` and `0.5` (a
# number with a fraction is parsed as a Decimal, which Pydantic could read attributes from).
NOT_AN_OBJECT: dict[str, Any] = {
    "loc": ["body"],
    "msg": "Input should be a valid dictionary or object to extract fields from",
    "type": "model_attributes_type",
}
# Bodies of every JSON kind but an object, the fraction first (the kind live Schemathesis found).
NON_OBJECT_BODIES = ("0.5", "0.0", "7", "[]", "[0.5]", '"x"', "true", "null")
