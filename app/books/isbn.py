"""ISBN-13: hyphens and spaces stripped, 13 digits, the check digit verified.

`ISBN_JSON_SCHEMA` publishes the rule wherever an ISBN is accepted (path and body), so what the
schema allows is what `normalise_isbn` reads (issue 15, external contract check: the 422s came
as a surprise). The check digit is the one part a pattern cannot state: `format: isbn-13` names it.
"""

import re
from typing import Any

_SEPARATORS = re.compile(r"[-\s]")
# The same class spelled out: Python's `\s` (every `str.isspace()` character) and ECMAScript's,
# the schema's regex dialect, disagree on a few; a unit test holds this to `[-\s]`.
SEPARATOR_CLASS = r"[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000-]"
ISBN_PATTERN = rf"^{SEPARATOR_CLASS}*(?:[0-9]{SEPARATOR_CLASS}*){{13}}$"
ISBN_JSON_SCHEMA: dict[str, Any] = {
    "type": "string",
    "format": "isbn-13",
    "pattern": ISBN_PATTERN,
    "minLength": 13,
}


def isbn13_check_digit(first_twelve: str) -> int:
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(first_twelve))
    return (10 - total % 10) % 10


def normalise_isbn(value: str) -> str:
    digits = _SEPARATORS.sub("", value)
    if len(digits) != 13 or not (digits.isascii() and digits.isdigit()):
        raise ValueError("ISBN must be 13 digits (hyphens and spaces allowed)")
    if isbn13_check_digit(digits[:12]) != int(digits[12]):
        raise ValueError("ISBN check digit is wrong")
    return digits
