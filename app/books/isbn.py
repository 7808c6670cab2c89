"""ISBN-13: hyphens and spaces stripped, 13 digits, the check digit verified."""

import re

_SEPARATORS = re.compile(r"[-\s]")


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
