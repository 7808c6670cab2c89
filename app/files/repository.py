from sqlalchemy.ext.asyncio import AsyncSession

from app.files.models import StoredFile


async def get(session: AsyncSession, file_id: int) -> StoredFile | None:
    return await session.get(StoredFile, file_id)
