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
"""

import struct
import zlib
from typing import Any

import schemathesis
from hypothesis import strategies as st
from schemathesis import GenerationMode

# Importable because scripts/contract_live.py puts the project's root on PYTHONPATH.
from app.users.password_policy import check_password_policy

# Operations whose body sets a password the policy applies to, and the field that carries it.
NEW_PASSWORDS = {("POST", "/auth/register"): "password", ("PATCH", "/users/me"): "new_password"}
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
    if key in NEW_PASSWORDS:
        return meets_the_password_policy(body.get(NEW_PASSWORDS[key]))
    return True


@schemathesis.hook
def map_case(
    context: schemathesis.HookContext, case: schemathesis.Case[Any]
) -> schemathesis.Case[Any]:
    """A positive upload carries a real file: what a file is, is read from its bytes (415
    otherwise), which no multipart schema states. Negative cases are sent as drawn."""
    field = UPLOAD_FIELDS.get((case.operation.method.upper(), case.operation.path))
    positive = case.meta is not None and case.meta.generation.mode is GenerationMode.POSITIVE
    body: Any = case.body
    if field is None or not positive or not isinstance(body, dict) or field not in body:
        return case
    drawn = body[field]
    body[field] = [tiny_png()] * len(drawn) if isinstance(drawn, list) else tiny_png()
    return case


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
