import asyncio

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import Settings
from app.users.models import User
from tests.factories import UserFactory
from tests.support.host import bearer_headers


async def test_two_racing_creates_with_one_isbn_give_one_201_and_one_409(
    committed_client: httpx.AsyncClient,
    committed_db: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    async with committed_db() as session:
        user: User = UserFactory.build()
        session.add(user)
        await session.commit()
    headers = bearer_headers(settings, user)
    body = {"title": "Dune", "author": "Frank Herbert", "isbn": "9780441013593", "price": 9.99}
    responses = await asyncio.gather(
        *(committed_client.post("/books", json=body, headers=headers) for _ in range(2))
    )
    assert sorted(r.status_code for r in responses) == [201, 409], [r.text for r in responses]
