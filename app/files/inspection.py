"""What a file is, judged by its bytes; and what is left of a client's filename.

The client's filename and declared content type are never trusted (TUTORIAL-DEFECTS.md, uploads):
the extension says what the bytes must be, the bytes decide.
"""

import codecs
import unicodedata

import puremagic

from app.files.exceptions import EmptyFile, UnsupportedFileType

JPEG = "image/jpeg"
PNG = "image/png"
GIF = "image/gif"
WEBP = "image/webp"
PDF = "application/pdf"
TEXT = "text/plain; charset=utf-8"

# Leading magic numbers, checked on top of puremagic (which also matches signatures elsewhere
# in a file and ranks by confidence): a type counts only when its signature opens the file.
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    JPEG: (b"\xff\xd8\xff",),
    PNG: (b"\x89PNG\r\n\x1a\n",),
    GIF: (b"GIF87a", b"GIF89a"),
    PDF: (b"%PDF-",),
}
HEAD_BYTES = 64

UPLOAD_TYPES: dict[str, str] = {
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".png": PNG,
    ".gif": GIF,
    ".pdf": PDF,
    ".txt": TEXT,
}
COVER_TYPES = frozenset({JPEG, PNG, WEBP})

MAX_FILENAME_LENGTH = 255


def sanitise_filename(raw: str | None) -> str:
    """The last path segment (after `/` or `\\`), without control characters, at most 255
    characters (the extension kept). Metadata only: it never becomes part of a path."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if unicodedata.category(char) != "Cc").strip()
    if name in {".", ".."}:
        return ""
    if len(name) > MAX_FILENAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) < 16:
            keep = MAX_FILENAME_LENGTH - len(extension) - 1
            return f"{stem[:keep]}.{extension}"
        return name[:MAX_FILENAME_LENGTH]
    return name


def extension_of(filename: str) -> str:
    _, dot, extension = filename.rpartition(".")
    return f".{extension.lower()}" if dot else ""


def _is_webp(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def sniff(head: bytes) -> str | None:
    """The binary type the first bytes show (JPEG, PNG, GIF, WebP, PDF), or None."""
    try:
        matches = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        return None
    for match in sorted(matches, key=lambda match: match.confidence, reverse=True):
        mime: str = match.mime_type
        if mime == WEBP and _is_webp(head):
            return WEBP
        if any(head.startswith(signature) for signature in _SIGNATURES.get(mime, ())):
            return mime
    return None


class Inspector:
    """Fed a file's chunks as they stream; `finish()` says its content type or raises.

    `expected`: the types the bytes may be. Text (valid UTF-8, no NUL) is checked over the whole
    file; the binary types by their first bytes.
    """

    def __init__(self, expected: frozenset[str]) -> None:
        self.expected = expected
        self.size = 0
        self.content_type: str | None = None
        self._head = b""
        self._decoder = codecs.getincrementaldecoder("utf-8")() if TEXT in expected else None

    def feed(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if len(self._head) < HEAD_BYTES:
            self._head += chunk[: HEAD_BYTES - len(self._head)]
        if self._decoder is not None:
            try:
                text = self._decoder.decode(chunk)
            except UnicodeDecodeError:
                raise UnsupportedFileType from None
            if "\x00" in text:
                raise UnsupportedFileType

    def finish(self) -> str:
        self.content_type = self._judge()
        return self.content_type

    def _judge(self) -> str:
        if self.size == 0:
            raise EmptyFile
        if self._decoder is not None:
            try:
                self._decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                raise UnsupportedFileType from None
            return TEXT
        detected = sniff(self._head)
        if detected is None or detected not in self.expected:
            raise UnsupportedFileType
        return detected
