"""Hypothesis strategies for the bookstore's inputs, valid and invalid, and the oracles they need.

The oracles here are written from the contract (docs: API.md), not from `app/`: a property that
checks the app against its own code proves nothing.
"""

import unicodedata
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from app.users.password_policy import COMMON_PASSWORDS

ASCII_DIGITS = "0123456789"
# Unicode's White_Space property: what Pydantic's `strip_whitespace` trims. Python's str.strip()
# trims U+001C..U+001F as well, so it is not the oracle for titles.
UNICODE_WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# Digits that `str.isdigit()` accepts but an ISBN must not: Arabic-Indic, fullwidth, Devanagari.
NON_ASCII_DIGITS = "٠١٢٣٤٥٦٧٨٩０１２３４５６７８９०१२३४५६७८९"
MAX_PRICE = Decimal("100000")
# Integer columns are 32-bit on PostgreSQL: the largest stock and id (docs/decisions.md).
MAX_INT = 2**31 - 1
CENT = Decimal("0.01")


# --- ISBN-13 -------------------------------------------------------------------------------


def isbn13_check_digit_oracle(first_twelve: str) -> str:
    """The ISBN-13 check digit: weights 1,3,1,3...; it makes the weighted sum a multiple of 10."""
    total = sum(int(d) * w for d, w in zip(first_twelve, [1, 3] * 6, strict=True))
    return str(-total % 10)


def is_valid_isbn13_oracle(text: str) -> bool:
    """The contract: after removing hyphens and whitespace, 13 ASCII digits, right check digit."""
    digits = "".join(ch for ch in text if ch != "-" and not ch.isspace())
    if len(digits) != 13 or any(ch not in ASCII_DIGITS for ch in digits):
        return False
    return isbn13_check_digit_oracle(digits[:12]) == digits[12]


def isbn13s() -> st.SearchStrategy[str]:
    """Valid ISBN-13s as 13 bare digits: 12 random digits and their check digit."""
    twelve = st.text(alphabet=ASCII_DIGITS, min_size=12, max_size=12)
    return twelve.map(lambda head: head + isbn13_check_digit_oracle(head))


@st.composite
def rendered_isbn13s(draw: st.DrawFn, digits: str | None = None) -> str:
    """A valid ISBN-13 as a person might type it: hyphens or spaces between any digits."""
    bare = digits if digits is not None else draw(isbn13s())
    separators = st.sampled_from(["", "", "-", " ", "--", " - "])
    parts = [draw(separators) + digit for digit in bare]
    return draw(st.sampled_from(["", " "])) + "".join(parts) + draw(st.sampled_from(["", " "]))


@st.composite
def invalid_isbn13s(draw: st.DrawFn) -> str:
    """Near misses: a wrong check digit, a wrong length, a letter or a non-ASCII digit."""
    bare = draw(isbn13s())
    kind = draw(st.sampled_from(["check_digit", "length", "letter", "non_ascii_digit"]))
    if kind == "check_digit":
        wrong = draw(st.sampled_from(ASCII_DIGITS).filter(lambda d: d != bare[12]))
        return bare[:12] + wrong
    if kind == "length":
        size = draw(st.integers(0, 20).filter(lambda n: n != 13))
        return draw(st.text(alphabet=ASCII_DIGITS, min_size=size, max_size=size))
    position = draw(st.integers(0, 12))
    alphabet = "XxABab" if kind == "letter" else NON_ASCII_DIGITS
    return bare[:position] + draw(st.sampled_from(alphabet)) + bare[position + 1 :]


def isbn_like_text() -> st.SearchStrategy[str]:
    """Arbitrary text biased towards almost-ISBNs, so both answers of the oracle are common."""
    noise = st.sampled_from([*ASCII_DIGITS, "-", " ", "\t", "\u3000", "X", *NON_ASCII_DIGITS[:3]])
    return st.one_of(
        st.text(),
        st.text(alphabet=noise, max_size=20),
        rendered_isbn13s(),
        invalid_isbn13s(),
        st.builds(lambda isbn, extra: isbn + extra, rendered_isbn13s(), st.text(max_size=3)),
    )


# --- Prices --------------------------------------------------------------------------------


def is_valid_price_oracle(price: Decimal) -> bool:
    """The contract: 0 < price <= 100000 with at most 2 decimals (a whole number of cents)."""
    if not price.is_finite():
        return False
    cents = price * 100
    return Decimal(0) < price <= MAX_PRICE and cents == cents.to_integral_value()


def boundary_prices() -> st.SearchStrategy[Decimal]:
    """Every bound and its neighbours, with 0..4 decimals and trailing zeros."""
    bounds = [Decimal(0), CENT, Decimal("99999.99"), MAX_PRICE, Decimal("100000.01")]
    nudges = [Decimal(0), CENT, -CENT, Decimal("0.001"), -Decimal("0.001"), Decimal("0.0001")]
    near_bounds = st.builds(
        lambda bound, nudge: bound + nudge, st.sampled_from(bounds), st.sampled_from(nudges)
    )
    return st.one_of(
        near_bounds,
        near_bounds.map(lambda price: price.quantize(Decimal("0.0001"))),  # trailing zeros
        st.sampled_from([Decimal("-0.01"), Decimal("-1"), Decimal("-0"), Decimal("1E+5")]),
    )


def any_prices() -> st.SearchStrategy[Decimal]:
    """Boundary prices, any decimal with up to 4 places, and NaN/infinity."""
    return st.one_of(
        boundary_prices(),
        st.decimals(min_value=-10, max_value=200000, places=3),
        st.decimals(min_value=-10, max_value=200000, places=2),
        st.decimals(min_value=0, max_value=1, places=4),
        st.sampled_from([Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")]),
    )


def valid_prices() -> st.SearchStrategy[Decimal]:
    """Prices the contract accepts, bounds included."""
    in_range = st.decimals(min_value=CENT, max_value=MAX_PRICE, places=2)
    return st.one_of(st.sampled_from([CENT, Decimal("99999.99"), MAX_PRICE]), in_range)


def price_as_json(price: Decimal) -> st.SearchStrategy[float | str | Decimal]:
    """One price as a client may send it: a Decimal, a JSON number (float) or a string."""
    return st.sampled_from([price, float(price), str(price)])


# --- Text ----------------------------------------------------------------------------------


def free_text(min_size: int = 0, max_size: int = 50) -> st.SearchStrategy[str]:
    """Any encodable Unicode text (no lone surrogates, which JSON cannot carry) without NUL,
    biased towards control characters and odd whitespace."""
    odd = st.sampled_from(["\x01", "\x1b", "\x7f", "\u200b", "\u202e", "é", "字", "😀", "\t"])
    char = st.one_of(st.characters(codec="utf-8", exclude_characters="\x00"), odd)
    return st.text(alphabet=char, min_size=min_size, max_size=max_size)


# Letters and symbols that render blank: the Hangul fillers and the empty Braille pattern.
BLANK_GRAPHICS = "\u115f\u1160\u3164\uffa0\u2800"


def shows_something_oracle(text: str) -> bool:
    """The decision (docs/decisions.md, "Visible text"): at least one letter, number,
    punctuation or symbol that does not render blank; marks, format characters (zero-width
    space, joiners, bidi controls), controls and whitespace alone show nothing."""
    return any(unicodedata.category(ch)[0] in "LNPS" and ch not in BLANK_GRAPHICS for ch in text)


def invisible_text(min_size: int = 1, max_size: int = 10) -> st.SearchStrategy[str]:
    """Text with nothing to see: whitespace, format and control characters, marks, fillers."""
    invisible = st.one_of(
        st.sampled_from(UNICODE_WHITE_SPACE + BLANK_GRAPHICS),
        st.characters(categories=["Cf", "Cc", "Mn", "Me"], exclude_characters="\x00"),
    )
    return st.text(alphabet=invisible, min_size=min_size, max_size=max_size)


@st.composite
def padded_titles(draw: st.DrawFn, max_size: int = 300) -> str:
    """A title the contract accepts once trimmed, with whitespace around it."""
    core = draw(
        free_text(min_size=1, max_size=max_size).filter(
            lambda t: t.strip() == t and shows_something_oracle(t)
        )
    )
    pad = st.text(alphabet=UNICODE_WHITE_SPACE, max_size=3)
    return draw(pad) + core + draw(pad)


@st.composite
def with_nul(draw: st.DrawFn) -> str:
    """Text holding at least one NUL, anywhere: start, middle, end, or alone."""
    text = draw(free_text(max_size=20))
    position = draw(st.integers(0, len(text)))
    return text[:position] + "\x00" + text[position:]


# --- Books ---------------------------------------------------------------------------------


def stocks() -> st.SearchStrategy[int]:
    """Stock the contract accepts: 0..MAX_INT, both bounds drawn often."""
    return st.one_of(st.sampled_from([0, 1, MAX_INT - 1, MAX_INT]), st.integers(0, MAX_INT))


def is_valid_stock_oracle(stock: int) -> bool:
    return 0 <= stock <= MAX_INT


def any_stocks() -> st.SearchStrategy[int]:
    """Valid stock and integers around and far past the column's bounds."""
    past = st.sampled_from([-1, MAX_INT + 1, 2**63 - 1, 2**63, 2**64, -(2**63) - 1])
    return st.one_of(stocks(), past, st.integers())


def book_fields() -> dict[str, st.SearchStrategy[Any]]:
    """One valid value strategy per BookCreate field, as a client would send it."""
    return {
        "title": padded_titles(),
        "author": padded_titles(max_size=200),
        "isbn": rendered_isbn13s(),
        "price": valid_prices().flatmap(price_as_json),
        "description": st.one_of(st.none(), free_text(max_size=2000)),
        "stock": stocks(),
    }


REQUIRED_BOOK_FIELDS = ("title", "author", "isbn", "price")


def book_create_bodies() -> st.SearchStrategy[dict[str, Any]]:
    """Valid BookCreate bodies: the required fields and any of the optional ones."""
    fields = book_fields()
    return st.fixed_dictionaries(
        {name: fields[name] for name in REQUIRED_BOOK_FIELDS},
        optional={name: fields[name] for name in ("description", "stock")},
    )


def book_update_bodies() -> st.SearchStrategy[dict[str, Any]]:
    """Valid PATCH bodies: any subset of the fields, the empty one included."""
    return st.fixed_dictionaries({}, optional=book_fields())


# --- Users ---------------------------------------------------------------------------------


@st.composite
def mixed_case_emails(draw: st.DrawFn) -> str:
    """Deliverable-looking ASCII addresses with random upper and lower case."""
    local = draw(st.from_regex(r"[a-z0-9]{1,10}([._+-][a-z0-9]{1,10}){0,2}", fullmatch=True))
    labels = draw(st.lists(st.from_regex(r"[a-z0-9]{1,12}", fullmatch=True), max_size=2))
    # Real top-level domains: email-validator rejects special-use ones such as `.test`.
    tld = draw(st.sampled_from(["com", "org", "net", "io", "de", "co"]))
    address = f"{local}@{'.'.join([*labels, 'mail', tld])}"
    flips = draw(st.lists(st.booleans(), min_size=len(address), max_size=len(address)))
    return "".join(ch.upper() if flip else ch for ch, flip in zip(address, flips, strict=True))


def is_valid_password_oracle(password: str) -> bool:
    """The contract: 8..128 characters, not all digits, not one of the most common passwords."""
    return (
        8 <= len(password) <= 128
        and not password.isdigit()
        and password.lower() not in COMMON_PASSWORDS
    )


def valid_passwords() -> st.SearchStrategy[str]:
    """Passwords the policy accepts."""
    return st.text(min_size=8, max_size=128).filter(is_valid_password_oracle)


@st.composite
def invalid_passwords(draw: st.DrawFn) -> str:
    """Passwords the policy rejects: too short, too long, all digits, or common in any case."""
    kind = draw(st.sampled_from(["short", "long", "digits", "non_ascii_digits", "common"]))
    if kind == "short":
        return draw(st.text(max_size=7))
    if kind == "long":
        return draw(st.text(min_size=129, max_size=200))
    if kind in {"digits", "non_ascii_digits"}:
        alphabet = ASCII_DIGITS if kind == "digits" else NON_ASCII_DIGITS
        return draw(st.text(alphabet=alphabet, min_size=8, max_size=128))
    common = draw(st.sampled_from(sorted(COMMON_PASSWORDS)))
    return "".join(ch.upper() if draw(st.booleans()) else ch for ch in common)


def any_passwords() -> st.SearchStrategy[str]:
    """Valid and invalid passwords, mixed, for accepted-iff-oracle properties."""
    return st.one_of(valid_passwords(), invalid_passwords(), st.text(max_size=140))
