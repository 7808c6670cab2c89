"""Rows of the files table, read back for whole-row assertions."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.files.models import StoredFile


async def file_rows(session: AsyncSession) -> list[dict[str, Any]]:
    rows = (await session.scalars(select(StoredFile).order_by(StoredFile.id))).all()
    return [
        {
            "id": row.id,
            "owner_id": row.owner_id,
            "storage_name": row.storage_name,
            "filename": row.filename,
            "content_type": row.content_type,
            "size": row.size,
        }
        for row in rows
    ]
