"""Case-insensitive search folds non-ASCII letters on every backend (SQLite's lower() does not)."""

import httpx
from sqlalchemy import func, null, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.support.data import CreateBook


async def test_sql_lower_folds_non_ascii_letters(db_session: AsyncSession) -> None:
    assert await db_session.scalar(select(func.lower("ÉMILE ZOLA Ørsted"))) == "émile zola ørsted"


async def test_sql_lower_of_null_is_null(db_session: AsyncSession) -> None:
    """SQL's lower(NULL) is NULL; SQLite's replacement must agree, not raise."""
    assert await db_session.scalar(select(func.lower(null()))) is None


async def test_author_search_matches_accented_names_in_any_case(
    client: httpx.AsyncClient, create_book: CreateBook
) -> None:
    zola = await create_book(author="Émile Zola")
    await create_book(author="Emile Ajar")

    responses = [
        await client.get("/books", params={"author": term}) for term in ("émile", "ÉMILE", "Émile")
    ]

    for response in responses:
        assert response.status_code == 200, response.text
        assert [book["id"] for book in response.json()] == [zola.id]
