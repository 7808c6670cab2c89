"""A scratch PostgreSQL database, migrated and seeded with books, dropped at the end."""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import asyncpg  # type: ignore[import-untyped]  # no stubs; a benchmark helper only
from sqlalchemy import make_url

from app.migrations import upgrade_to_head

BOOKS = 1000
OWNERS = 10


def plain_dsn(sqlalchemy_url: str, database: str) -> str:
    """`postgresql+asyncpg://...` as the plain `postgresql://` DSN asyncpg takes."""
    url = make_url(sqlalchemy_url).set(drivername="postgresql", database=database)
    return url.render_as_string(hide_password=False)


def with_database(sqlalchemy_url: str, database: str) -> str:
    return make_url(sqlalchemy_url).set(database=database).render_as_string(hide_password=False)


async def _admin(sqlalchemy_url: str, statement: str) -> None:
    connection = await asyncpg.connect(plain_dsn(sqlalchemy_url, "postgres"))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def _seed(dsn: str) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        start = datetime(2026, 1, 1, tzinfo=UTC)
        await connection.executemany(
            "INSERT INTO users (name, email, password_hash, role, is_active, created_at) "
            "VALUES ($1, $2, 'not-a-hash', 'customer', true, $3)",
            [(f"Seller {n}", f"seller{n}@bench.example", start) for n in range(1, OWNERS + 1)],
        )
        owners = [row["id"] for row in await connection.fetch("SELECT id FROM users ORDER BY id")]
        rows = []
        for n in range(1, BOOKS + 1):
            created = start + timedelta(minutes=n)
            cover = n % 10 == 0  # some books carry a cover, so cover_url is exercised
            rows.append(
                (
                    f"Book {n}: a title of ordinary length",
                    f"Author {n % 97}",
                    f"978{n:010d}",
                    Decimal(f"{n % 90 + 9}.99"),
                    f"Description of book {n}. " * 4,
                    n % 25,
                    owners[n % OWNERS],
                    f"{uuid4().hex}.png" if cover else None,
                    "image/png" if cover else None,
                    1024 if cover else None,
                    uuid4().hex if cover else None,
                    created,
                    created,
                )
            )
        await connection.executemany(
            "INSERT INTO books (title, author, isbn, price, description, stock, owner_id, "
            "cover_storage_name, cover_content_type, cover_size, cover_etag, created_at, "
            "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            rows,
        )
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


@contextmanager
def scratch_database(base_url: str) -> Iterator[str]:
    """Yields the SQLAlchemy URL of a new database with the schema and the books; drops it."""
    name = f"throughput_{uuid4().hex[:12]}"
    asyncio.run(_admin(base_url, f'CREATE DATABASE "{name}"'))
    try:
        url = with_database(base_url, name)
        upgrade_to_head(url)
        asyncio.run(_seed(plain_dsn(base_url, name)))
        yield url
    finally:
        asyncio.run(_admin(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
