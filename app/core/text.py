"""Text rules shared by every schema: no NUL characters (PostgreSQL cannot store them), and
names that must show something (docs/decisions.md, "Visible text")."""

import unicodedata
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

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


NoNul = AfterValidator(reject_nul)
Visible = AfterValidator(require_visible)
SearchText = Annotated[str, StringConstraints(min_length=1, max_length=100), NoNul]
