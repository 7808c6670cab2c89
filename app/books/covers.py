"""Book covers: JPEG, PNG or WebP judged by their bytes, kept in file storage, served cacheably."""

from dataclasses import dataclass

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from app.books import repository
from app.books.exceptions import BookHasNoCover, BookNotFound
from app.books.models import Book, cover_path
from app.core.config import Settings
from app.files import service as files_service
from app.files.inspection import COVER_TYPES
from app.files.service import MULTIPART_OVERHEAD_BYTES, Readable
from app.files.storage import FileStorage

# Covers keep their URL when replaced: a short freshness, then a cheap 304 revalidation by ETag.
COVER_CACHE_CONTROL = "public, max-age=300"


def body_limits(settings: Settings) -> dict[str, int]:
    """The cover route's request body limit, as app/files/service.py gives the upload routes'."""
    return {"/books/*/cover": settings.max_cover_bytes + MULTIPART_OVERHEAD_BYTES}


class CoverPublic(BaseModel):
    url: str
    content_type: str
    size: int


async def replace(
    session: AsyncSession, storage: FileStorage, book: Book, upload: Readable, *, max_bytes: int
) -> CoverPublic:
    """The new file is stored first, outside any transaction. Then, on the locked row, the new
    cover is committed, and only after the commit is the file the row named *then* removed:
    concurrent replacements each remove the one they replaced (issue 15). A failure, or the
    book deleted meanwhile (404), keeps no new file."""
    saved, content_type = await files_service.store(
        storage, upload, expected=COVER_TYPES, max_bytes=max_bytes
    )
    try:
        current = await repository.locked(session, book.id)
        if current is None:
            raise BookNotFound
        old = current.cover_storage_name
        current.cover_storage_name = saved.name
        current.cover_content_type = content_type
        current.cover_size = saved.size
        current.cover_etag = saved.sha256
        await session.commit()
    except BaseException:
        await storage.delete(saved.name)
        await session.rollback()
        raise
    if old is not None:
        await storage.delete(old)
    return CoverPublic(url=cover_path(book.id), content_type=content_type, size=saved.size)


@dataclass(frozen=True, slots=True)
class Cover:
    storage_name: str
    content_type: str
    size: int
    etag: str


def cover_of(book: Book) -> Cover:
    name, content_type = book.cover_storage_name, book.cover_content_type
    size, digest = book.cover_size, book.cover_etag
    if name is None or content_type is None or size is None or digest is None:
        raise BookHasNoCover
    return Cover(storage_name=name, content_type=content_type, size=size, etag=f'"{digest}"')


def matches(if_none_match: str | None, current: str) -> bool:
    """RFC 9110 If-None-Match: `*` or a list of tags, compared weakly (a `W/` prefix ignored)."""
    if if_none_match is None:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or current in tags
