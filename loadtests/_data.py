"""Test data for load runs: unique per run and per user, so runs and workers never collide.

Pure (no locust import) so the unit suite can test it without gevent's monkey-patching.
"""

import secrets
import struct
import uuid
import zlib
from decimal import Decimal
from typing import Any

# Seeded books carry this much stock so that orders never run out (a 409 would be a failure).
SEED_STOCK = 1_000_000
SEED_BOOK_COUNT = 20
# The demo authors `python -m app.seed` loads; browsers filter by them.
DEMO_AUTHORS = ("Le Guin", "Herbert", "Butler", "Banks", "Chiang", "Jemisin", "Pratchett")
SEARCH_TERMS = ("Harbour", "Vega", "Tides", "Orchard", "Trains", "Cartographer")


def new_run_id() -> str:
    """Short, lowercase and alphanumeric: it goes into emails, titles and search queries."""
    return uuid.uuid4().hex[:10]


def unique_email(run_id: str, role: str) -> str:
    return f"lt-{run_id}-{role}-{uuid.uuid4().hex[:12]}@example.com"


def new_password() -> str:
    # Mixed characters, long enough for the password policy (8..128, not all digits).
    return f"Lt-{secrets.token_urlsafe(18)}"


def isbn13_check_digit(first_twelve: str) -> int:
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(first_twelve))
    return (10 - total % 10) % 10


def random_isbn() -> str:
    """A valid ISBN-13 in the 979 range (the demo data uses 978): 10^9 choices per run."""
    first_twelve = f"979{secrets.randbelow(10**9):09d}"
    return first_twelve + str(isbn13_check_digit(first_twelve))


def seed_title(run_id: str, index: int) -> str:
    """Seeded books are found again by searching for the run id (`GET /books?q=<run id>`)."""
    return f"Load test stock {run_id} #{index}"


def book_payload(title: str, *, stock: int = 5) -> dict[str, Any]:
    price = Decimal(secrets.randbelow(9000) + 100) / 100
    return {
        "title": title,
        "author": "Load Test Author",
        "isbn": random_isbn(),
        "price": float(price),
        "description": "Created by the Locust load tests (loadtests/).",
        "stock": stock,
    }


def tiny_png() -> bytes:
    """A valid 1x1 RGB PNG (signature, IHDR, IDAT, IEND) for cover uploads."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x80\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
