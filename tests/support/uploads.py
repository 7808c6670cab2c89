"""Real minimal files for upload tests, built here; a look at what landed on disk; and
`api_user`, a customer posting through `client` or `sync_client` (each test runs with both)."""

import struct
import zlib
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from starlette.testclient import TestClient

# Any password the registration policy accepts; not imported from tests/e2e, a layer above.
PASSWORD = "a long journey passphrase"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def tiny_png() -> bytes:
    """A valid 1x1 greyscale PNG: signature, IHDR, one IDAT row, IEND."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + _png_chunk(b"IEND", b"")
    )


def padded_png(at_least: int) -> bytes:
    """`tiny_png` with a tEXt comment before IEND, `at_least` bytes long in all."""
    png = tiny_png()
    iend = png[-12:]
    padding = max(0, at_least - len(png) - 12 - len(b"Comment\x00"))
    return png[:-12] + _png_chunk(b"tEXt", b"Comment\x00" + b"x" * padding) + iend


# SOI, a JFIF APP0 segment, EOI.
TINY_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
# Header, logical screen, trailer.
TINY_GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# RIFF container of a lossy VP8 frame header (enough for the signature).
TINY_WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8 \x0e\x00\x00\x00" + bytes(14)
TEXT = "Grüße aus Anarres\n".encode()


def tree(root: Path) -> list[str]:
    """Every file under `root` (relative, sorted); [] when `root` does not exist."""
    if not root.exists():
        return []
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def files_outside(base: Path, upload_dir: Path) -> list[str]:
    """Files under `base` that are not in `upload_dir` (what a traversal would have written)."""
    return [
        name
        for name in tree(base)
        if not (base / name).resolve().is_relative_to(upload_dir.resolve())
    ]


class ApiUser:
    """A customer registered and logged in through the API, posting through either client."""

    def __init__(self, client: httpx.AsyncClient | TestClient) -> None:
        self.client = client
        self.headers: dict[str, str] = {}

    async def _call(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        if isinstance(self.client, TestClient):
            # TestClient answers with httpx2's Response: the same API under another name.
            return cast(httpx.Response, self.client.request(method, url, **kwargs))
        return await self.client.request(method, url, **kwargs)

    async def sign_up(self, email: str) -> None:
        body = {"name": "Shevek", "email": email, "password": PASSWORD}
        response = await self._call("POST", "/auth/register", json=body)
        assert response.status_code == 201, response.text
        response = await self._call("POST", "/auth/login", json=body)
        assert response.status_code == 200, response.text
        self.headers = {"Authorization": f"Bearer {response.json()['access_token']}"}

    async def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self._call("POST", url, headers=self.headers, **kwargs)

    async def get(self, url: str) -> httpx.Response:
        return await self._call("GET", url, headers=self.headers)


@pytest.fixture(
    params=[
        pytest.param("client", id="async_client"),
        pytest.param("sync_client", id="sync_client"),
    ]
)
def api_user(request: pytest.FixtureRequest) -> ApiUser:
    """A customer on `client` or `sync_client` (the test runs once with each); `await
    api_user.sign_up(email)` before posting."""
    return ApiUser(request.getfixturevalue(request.param))
