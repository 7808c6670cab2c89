"""Schemathesis hooks for `make contract-live` (scripts/contract_live.py; docs/schemathesis.md).

Rules the published schema names but JSON Schema cannot spell, taught to the generator so that
"schema-valid" means what the server accepts:

- `format: isbn-13`: the pattern states the digits and separators, the format the check digit;
  valid ISBN-13s are drawn here, written with or without hyphens.
- `POST /orders`: each book at most once. `uniqueItems` states the part JSON Schema can (two
  equal lines), not lines with one book and different quantities; such bodies are not drawn.
- The password policy (`app/users/password_policy.py`: not all digits, not a well-known password
  in any case): bodies whose new password breaks it are not drawn; the policy itself decides.
- Uploads: the type of a file is read from its bytes, so a positive upload carries a real PNG.
- Text with no visible character (titles, authors, names: `app/core/text.py`): bodies with
  such text are not drawn.
- Emails at special-use domains (`.test`, `.local`): valid by `format: email`, refused by the
  server's email-validator; bodies with one are not drawn.
- A book's price is a whole number of cents in (0, 100000] (the schema's description says so):
  `multipleOf: 0.01` cannot say it for binary floats, and a pattern cannot bound a decimal
  string, so positive bodies with another price are not drawn.
"""

import struct
import zlib
from decimal import Decimal, InvalidOperation
from typing import Any

import schemathesis
from email_validator import EmailNotValidError, validate_email
from hypothesis import strategies as st
from schemathesis import GenerationMode

# Importable because scripts/contract_live.py puts the project's root on PYTHONPATH.
from app.core.text import is_visible
from app.users.password_policy import check_password_policy

# Operations whose body sets a password the policy applies to, and the field that carries it.
NEW_PASSWORDS = {("POST", "/auth/register"): "password", ("PATCH", "/users/me"): "new_password"}
MAX_PRICE = 100000
# Text fields that must show a visible character (app/core/text.py), per operation.
VISIBLE_FIELDS = {
    ("POST", "/books"): ("title", "author"),
    ("PUT", "/books/{book_id}"): ("title", "author"),
    ("PATCH", "/books/{book_id}"): ("title", "author"),
    ("POST", "/auth/register"): ("name",),
    ("PATCH", "/users/me"): ("name",),
}
# Operations whose body carries an email the server validates.
EMAIL_BODIES = {("POST", "/auth/register"), ("POST", "/auth/login")}
# Operations whose body carries a book's price.
BOOK_BODIES = {("POST", "/books"), ("PUT", "/books/{book_id}"), ("PATCH", "/books/{book_id}")}
# Upload operations and their file field.
UPLOAD_FIELDS = {
    ("POST", "/files/upload"): "file",
    ("POST", "/files/upload-multiple"): "files",
    ("PUT", "/books/{book_id}/cover"): "file",
}

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
def filter_case(context: schemathesis.HookContext, case: schemathesis.Case[Any]) -> bool:
    """`filter_case`, not `filter_body`: the coverage phase applies only case hooks."""
    body = case.body
    if not isinstance(body, dict):
        return True
    key = (case.operation.method.upper(), case.operation.path)
    if key == ("POST", "/orders"):
        return each_book_once(body)
    if key in NEW_PASSWORDS and not meets_the_password_policy(body.get(NEW_PASSWORDS[key])):
        return False
    return schema_valid_means_accepted(key, body)


@schemathesis.hook
def filter_body(context: schemathesis.HookContext, body: Any) -> bool:
    """The stateful phase draws bodies through body hooks only: the same rules."""
    operation = context.operation
    if operation is None or not isinstance(body, dict):
        return True
    return schema_valid_means_accepted((operation.method.upper(), operation.path), body)


def schema_valid_means_accepted(key: tuple[str, str], body: dict[str, Any]) -> bool:
    """False for a body the schema allows that the server refuses by a rule JSON Schema cannot
    spell: a price that is not whole cents, an email at a special-use domain, text with no
    visible character."""
    if key in BOOK_BODIES and "price" in body and refused_in_spite_of_the_schema(body["price"]):
        return False
    if key in EMAIL_BODIES and at_a_special_use_domain(body.get("email")):
        return False
    return not any(invisible(body.get(field)) for field in VISIBLE_FIELDS.get(key, ()))


def invisible(text: Any) -> bool:
    return isinstance(text, str) and not any(is_visible(character) for character in text.strip())


def is_positive(case: schemathesis.Case[Any]) -> bool:
    return case.meta is not None and case.meta.generation.mode is GenerationMode.POSITIVE


@schemathesis.hook
def map_case(
    context: schemathesis.HookContext, case: schemathesis.Case[Any]
) -> schemathesis.Case[Any]:
    """A positive upload carries a real file: what a file is, is read from its bytes (415
    otherwise), which no multipart schema states. Negative cases are sent as drawn."""
    field = UPLOAD_FIELDS.get((case.operation.method.upper(), case.operation.path))
    body: Any = case.body
    if field is None or not is_positive(case) or not isinstance(body, dict) or field not in body:
        return case
    drawn = body[field]
    body[field] = [tiny_png()] * len(drawn) if isinstance(drawn, list) else tiny_png()
    return case


def refused_in_spite_of_the_schema(price: Any) -> bool:
    """A price the schema allows that the server refuses: a number in range, or a decimal
    string, that is not a whole number of cents in (0, 100000]. Prices the schema itself
    refuses (out of range, not a decimal) stay: they are the negative cases."""
    if isinstance(price, bool) or not isinstance(price, int | float | str):
        return False
    try:
        value = Decimal(str(price))
    except InvalidOperation:
        return False
    in_range = value.is_finite() and 0 < value <= MAX_PRICE
    if not in_range:
        return isinstance(price, str)  # the string's pattern cannot state the range
    cents = value * 100
    return cents != cents.to_integral_value()


def at_a_special_use_domain(email: Any) -> bool:
    """`format: email` allows special-use domains (`a@b.test`); the server, like email-validator,
    refuses them. Bodies with one are not drawn; other invalid emails stay negative cases."""
    if not isinstance(email, str):
        return False
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        return "special-use or reserved" in str(error)
    return False


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


def tiny_png() -> bytes:
    """A valid 1x1 greyscale PNG, as tests/support/uploads.py builds it."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload)
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )
