"""Text rules shared by every schema: no NUL characters (PostgreSQL cannot store them), and
names that must show something (docs/decisions.md, "Visible text")."""

import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, GetCoreSchemaHandler, GetJsonSchemaHandler, StringConstraints
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

# Letters and symbols that render as blank space: the Hangul fillers (default-ignorable) and
# the blank Braille pattern, favourites for names that look empty.
BLANK_GRAPHICS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def reject_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def is_visible(character: str) -> bool:
    """A letter, number, punctuation or symbol: not whitespace, a control or format character
    (zero-width space, joiners, bidi controls), a mark on its own, or unassigned."""
    return unicodedata.category(character)[0] in "LNPS" and character not in BLANK_GRAPHICS


def require_visible(value: str) -> str:
    if not any(is_visible(character) for character in value):
        raise ValueError("must contain a visible character")
    return value


# Published with the rule (issue 15: `?q=` with a NUL was valid by the schema, 422 by the server).
NO_NUL_PATTERN = r"^[^\x00]*$"


class _NoNul:
    """`reject_nul` after the other rules, and `pattern` in the field's JSON Schema."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(reject_nul, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["pattern"] = NO_NUL_PATTERN
        return json_schema


NoNul = _NoNul()
Visible = AfterValidator(require_visible)
SearchText = Annotated[str, StringConstraints(min_length=1, max_length=100), NoNul]
