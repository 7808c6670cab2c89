"""Uploads stream: the heap stays far below the file's size, whatever the size.

Measured with tracemalloc (Python allocations: the app, Starlette's multipart parser and the
client, which reads the file from disk in chunks) while a file exactly at the 10 MiB limit goes
through the ASGI app.
"""

import tracemalloc
from pathlib import Path

import httpx
import pytest

from app.core.config import Settings


@pytest.mark.auth("customer")
async def test_a_file_at_the_limit_uploads_with_a_heap_peak_under_its_size(
    auth_client: httpx.AsyncClient, settings: Settings, tmp_path: Path
) -> None:
    size = settings.max_upload_bytes
    source = tmp_path / "big.txt"
    with source.open("wb") as out:
        for _ in range(size // 1024):
            out.write(b"a" * 1023 + b"\n")

    tracemalloc.start()
    try:
        with source.open("rb") as upload:
            response = await auth_client.post(
                "/files/upload", files={"file": ("big.txt", upload, "text/plain")}
            )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert response.status_code == 201, response.text
    assert response.json()["size"] == size
    print(f"upload of {size} bytes: tracemalloc peak {peak} bytes ({peak / size:.1%})")
    assert peak < size
