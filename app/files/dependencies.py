from typing import Annotated

from fastapi import Depends, Path

from app.core.config import SettingsDep
from app.core.db import MAX_ID, SessionDep, read_only
from app.files import repository, service
from app.files.exceptions import FileNotFound
from app.files.models import StoredFile
from app.files.storage import FileStorage, LocalFileStorage
from app.users.dependencies import CurrentUser

FileId = Annotated[int, Path(ge=1, le=MAX_ID)]


def get_storage(settings: SettingsDep) -> FileStorage:
    """Where uploads and covers are kept (override this in tests for a failing store)."""
    return LocalFileStorage(settings.upload_dir)


StorageDep = Annotated[FileStorage, Depends(get_storage)]


async def visible_file(session: SessionDep, user: CurrentUser, file_id: FileId) -> StoredFile:
    """Someone else's file is 404, as a missing one: no leak that it exists.

    Read in a transaction of its own: the file is streamed after the handler returns, and a
    reader that never reads must hold no lock and no pooled connection meanwhile (issue 15).
    """
    async with read_only(session):
        stored = await repository.get(session, file_id)
    if stored is None or not service.can_see(stored, user):
        raise FileNotFound
    return stored


VisibleFile = Annotated[StoredFile, Depends(visible_file)]
