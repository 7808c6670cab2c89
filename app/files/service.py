"""Upload rules: names and types checked before a byte is kept, rows and files both or neither."""

from collections.abc import AsyncIterator, Sequence
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.files.exceptions import MissingFilename, UnsupportedFileType
from app.files.inspection import UPLOAD_TYPES, Inspector, extension_of, sanitise_filename
from app.files.models import StoredFile
from app.files.storage import CHUNK_BYTES, FileStorage, SavedFile
from app.users.models import Role, User

MAX_FILES_PER_REQUEST = 10
# Room for the multipart framing (boundaries, part headers) around a file at its limit.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


def body_limits(settings: Settings) -> dict[str, int]:
    """Request body limits for the /files upload routes, for `install_middleware(body_limits=...)`
    (app/books/covers.py gives the cover route's).

    Slightly above the file limits so that the exact file limit (checked while the file is
    copied, 413) decides, while a far larger body is still refused as it streams in.
    """
    one_file = settings.max_upload_bytes + MULTIPART_OVERHEAD_BYTES
    return {
        "/files": one_file,
        "/files/upload-multiple": MAX_FILES_PER_REQUEST * one_file,
    }


class Readable(Protocol):
    """What the service reads an upload through, so it needs no FastAPI (issue 16, layers):
    FastAPI's `UploadFile` is one, and so is any object with an async `read(size)`."""

    async def read(self, size: int = -1) -> bytes: ...


class Upload(Readable, Protocol):
    """A readable upload with the name its client gave (trusted for nothing but the name)."""

    @property
    def filename(self) -> str | None: ...


async def _inspected(upload: Readable, inspector: Inspector) -> AsyncIterator[bytes]:
    # UploadFile reads from Starlette's SpooledTemporaryFile (1 MiB in memory, then on disk):
    # a chunk at a time, so memory stays bounded whatever the file's size.
    while chunk := await upload.read(CHUNK_BYTES):
        inspector.feed(chunk)
        yield chunk
    inspector.finish()


async def store(
    storage: FileStorage, upload: Readable, *, expected: frozenset[str], max_bytes: int
) -> tuple[SavedFile, str]:
    """Streams `upload` into storage if its bytes are one of `expected`; its content type."""
    inspector = Inspector(expected)
    saved = await storage.save(_inspected(upload, inspector), max_bytes=max_bytes)
    if inspector.content_type is None:  # finish() sets it before the save can complete
        raise RuntimeError("the upload stream was not read to its end")
    return saved, inspector.content_type


# A multipart part without a filename (or with filename="") arrives as a plain form field
# (app/files/forms.py parses it as FastAPI's `UploadFile | str`).
Part = Upload | str


def _checked_name(upload: Part) -> tuple[Upload, str, frozenset[str]]:
    if isinstance(upload, str):
        raise MissingFilename
    filename = sanitise_filename(upload.filename)
    if not filename:
        raise MissingFilename
    expected = UPLOAD_TYPES.get(extension_of(filename))
    if expected is None:
        raise UnsupportedFileType
    return upload, filename, frozenset({expected})


async def upload(
    session: AsyncSession,
    storage: FileStorage,
    uploads: Sequence[Part],
    *,
    owner: User,
    max_bytes: int,
) -> list[StoredFile]:
    """All or nothing: any failure (name, type, size, storage, database) keeps no file, no row."""
    checked = [_checked_name(item) for item in uploads]
    rows: list[StoredFile] = []
    try:
        for item, filename, expected in checked:
            saved, content_type = await store(storage, item, expected=expected, max_bytes=max_bytes)
            rows.append(
                StoredFile(
                    owner_id=owner.id,
                    storage_name=saved.name,
                    filename=filename,
                    content_type=content_type,
                    size=saved.size,
                )
            )
        session.add_all(rows)
        await session.commit()
    except BaseException:
        for row in rows:
            await storage.delete(row.storage_name)
        if rows:
            await session.rollback()
        raise
    return rows


def can_see(stored: StoredFile, user: User) -> bool:
    return stored.owner_id == user.id or user.role == Role.ADMIN
