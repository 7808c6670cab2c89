"""Streaming stored bytes back, with RFC 6266 attachment names."""

from urllib.parse import quote

from starlette.responses import StreamingResponse

from app.files.storage import FileStorage


def content_disposition(filename: str) -> str:
    """`attachment; filename="..."`, plus RFC 5987 `filename*` when the name is not ASCII."""
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_")
    fallback = fallback.replace("\\", "_").replace('"', "_")
    value = f'attachment; filename="{fallback}"'
    if fallback != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return value


def stream_stored(
    storage: FileStorage,
    name: str,
    *,
    content_type: str,
    size: int,
    headers: dict[str, str] | None = None,
) -> StreamingResponse:
    return StreamingResponse(
        storage.read(name),
        media_type=content_type,
        headers={"Content-Length": str(size), **(headers or {})},
    )
