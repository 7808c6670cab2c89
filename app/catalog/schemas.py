"""What the lookup answers, and the slice of a catalogue record it is read from."""

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

_YEAR = re.compile(r"\b(\d{4})\b")

Text = Annotated[str, StringConstraints(strip_whitespace=True)]


class BookMetadata(BaseModel):
    isbn: str
    title: str
    authors: list[str]
    publish_year: int | None = None
    description: str | None = None


class _Author(BaseModel):
    name: Text | None = None


class _TypedText(BaseModel):
    value: Text


class CatalogEdition(BaseModel):
    """An Open Library edition record (`/isbn/{isbn}.json`), only the fields we use.

    `description` is either a string or `{"type": "/type/text", "value": ...}`; `publish_date`
    is free text ("1965", "June 1965"), of which the first four-digit year is kept. Open
    Library's own editions list authors as `{"key": ...}` only: those have no name and are
    skipped (a second request per author is not worth its latency here).
    """

    model_config = ConfigDict(extra="ignore")

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    authors: list[_Author] = []
    publish_date: str | None = None
    description: Text | _TypedText | None = None

    def to_metadata(self, isbn: str) -> BookMetadata:
        year = _YEAR.search(self.publish_date or "")
        description = (
            self.description.value if isinstance(self.description, _TypedText) else self.description
        )
        return BookMetadata(
            isbn=isbn,
            title=self.title,
            authors=[author.name for author in self.authors if author.name],
            publish_year=int(year.group(1)) if year else None,
            description=description or None,
        )
