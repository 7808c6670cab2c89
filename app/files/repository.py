from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import MAX_ID
from app.files.models import StoredFile


async def get(session: AsyncSession, file_id: int) -> StoredFile | None:
    return await session.get(StoredFile, file_id) if file_id <= MAX_ID else None
