"""Text rules shared by every schema: no NUL characters (PostgreSQL cannot store them)."""

from typing import Annotated

from pydantic import AfterValidator, StringConstraints


def reject_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


NoNul = AfterValidator(reject_nul)
SearchText = Annotated[str, StringConstraints(min_length=1, max_length=100), NoNul]
