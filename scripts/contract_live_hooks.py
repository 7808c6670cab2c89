"""Schemathesis hooks for `make contract-live` (scripts/contract_live.py; docs/schemathesis.md).

Two rules the published schema names but JSON Schema cannot spell, taught to the generator so
that "schema-valid" means what the server accepts:

- `format: isbn-13`: the pattern states the digits and separators, the format the check digit;
  valid ISBN-13s are drawn here, written with or without hyphens.
- `POST /orders`: each book at most once. `uniqueItems` states the part JSON Schema can (two
  equal lines), not lines with one book and different quantities; such bodies are not drawn.
"""

from typing import Any

import schemathesis
from hypothesis import strategies as st

DIGITS = "0123456789"


def isbn13_check_digit(first_twelve: str) -> str:
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(first_twelve))
    return str((10 - total % 10) % 10)


@st.composite
def isbn13s(draw: st.DrawFn) -> str:
    head = draw(st.text(alphabet=DIGITS, min_size=12, max_size=12))
    digits = head + isbn13_check_digit(head)
    if draw(st.booleans()):
        return digits
    # The common printed form, 978-0-441-01359-3.
    return "-".join((digits[:3], digits[3], digits[4:7], digits[7:12], digits[12]))


schemathesis.openapi.format("isbn-13", isbn13s())


@schemathesis.hook
def filter_body(context: schemathesis.HookContext, body: Any) -> bool:
    operation = context.operation
    if operation is None or (operation.method.upper(), operation.path) != ("POST", "/orders"):
        return True
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        return True
    books = [repr(line.get("book_id")) for line in body["items"] if isinstance(line, dict)]
    return len(books) == len(set(books))
