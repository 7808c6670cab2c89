"""(b) and (b'): the practical limit, raw asyncpg doing what `GET /books/{id}` and `GET /books` do.

The same primary-key lookup, the same columns and the same JSON as the real endpoints (price as
a number, `cover_url`, UTC datetimes), with none of the app's layers: no ORM, no middleware, no
transaction (a single statement runs in autocommit). One pool as large as the benchmark's
connection count. The DSN comes from `RAW_DATABASE_DSN` (a plain `postgresql://` URL).
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import asyncpg  # type: ignore[import-untyped]  # no stubs; a benchmark helper only
from fastapi import FastAPI, HTTPException, Path, Query, Request, Response
from pydantic_core import to_json

POOL_SIZE = int(os.environ.get("RAW_POOL_SIZE", "10"))
COLUMNS = (
    "id, title, author, isbn, price, description, stock, owner_id, cover_storage_name, "
    "created_at, updated_at"
)
BY_ID = f"SELECT {COLUMNS} FROM books WHERE id = $1"  # noqa: S608 - constant columns
COUNT = "SELECT count(*) FROM books"
PAGE = f"SELECT {COLUMNS} FROM books ORDER BY id LIMIT $1 OFFSET $2"  # noqa: S608 - constant


def book_json(row: asyncpg.Record) -> dict[str, Any]:
    book = dict(row)
    book["price"] = float(book["price"])
    storage_name = book.pop("cover_storage_name")
    book["cover_url"] = f"/books/{book['id']}/cover" if storage_name else None
    return book


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    dsn = os.environ["RAW_DATABASE_DSN"]
    async with asyncpg.create_pool(dsn, min_size=POOL_SIZE, max_size=POOL_SIZE) as pool:
        app.state.pool = pool
        yield


app = FastAPI(lifespan=lifespan)


@app.get("/books/{book_id}")
async def read_book(request: Request, book_id: Annotated[int, Path(ge=1)]) -> Response:
    row = await request.app.state.pool.fetchrow(BY_ID, book_id)
    if row is None:
        raise HTTPException(status_code=404, detail="Book not found")
    return Response(to_json(book_json(row)), media_type="application/json")


@app.get("/books")
async def list_books(
    request: Request,
    skip: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    pool = request.app.state.pool
    total = await pool.fetchval(COUNT)
    rows = await pool.fetch(PAGE, limit, skip)
    headers = {"X-Total-Count": str(total)}
    if skip + limit < total:
        headers["Link"] = f'<{request.url.path}?limit={limit}&skip={skip + limit}>; rel="next"'
    body = to_json([book_json(row) for row in rows])
    return Response(body, media_type="application/json", headers=headers)
