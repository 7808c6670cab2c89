"""Schemathesis hooks for `make contract-live` (scripts/contract_live.py; docs/schemathesis.md).

Rules the published schema names but JSON Schema cannot spell, taught to the generator so that
"schema-valid" means what the server accepts:

- `format: isbn-13`: the pattern states the digits and separators, the format the check digit;
  valid ISBN-13s are drawn here, written with or without hyphens.
- `POST /orders`: each book at most once. `uniqueItems` states the part JSON Schema can (two
  equal lines), not lines with one book and different quantities; such bodies are not drawn.
- The password policy (`app/users/password_policy.py`: not all digits, not a well-known password
  in any case): bodies whose new password breaks it are not drawn; the policy itself decides.
"""

from typing import Any

import schemathesis
from hypothesis import strategies as st

# Importable because scripts/contract_live.py puts the project's root on PYTHONPATH.
from app.users.password_policy import check_password_policy

# Operations whose body sets a password the policy applies to, and the field that carries it.
NEW_PASSWORDS = {("POST", "/auth/register"): "password", ("PATCH", "/users/me"): "new_password"}

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
    if operation is None or not isinstance(body, dict):
        return True
    key = (operation.method.upper(), operation.path)
    if key == ("POST", "/orders"):
        return each_book_once(body)
    if key in NEW_PASSWORDS:
        return meets_the_password_policy(body.get(NEW_PASSWORDS[key]))
    return True


def each_book_once(body: dict[str, Any]) -> bool:
    if not isinstance(body.get("items"), list):
        return True
    books = [repr(line.get("book_id")) for line in body["items"] if isinstance(line, dict)]
    return len(books) == len(set(books))


def meets_the_password_policy(password: Any) -> bool:
    if not isinstance(password, str):
        return True  # a negative case's wrong type: left to the server
    try:
        check_password_policy(password)
    except ValueError:
        return False
    return True
