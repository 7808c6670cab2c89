"""File uploads (issue 5): one or several files, read back by their owner or an admin."""

from typing import Annotated

from fastapi import APIRouter, File, UploadFile, status
from starlette.responses import StreamingResponse

from app.auth.dependencies import CurrentUser
from app.core.config import SettingsDep
from app.core.db import SessionDep
from app.core.errors import BEARER_ERRORS, BODY_ERRORS, error_responses
from app.files import service
from app.files.dependencies import StorageDep, VisibleFile
from app.files.responses import content_disposition, stream_stored
from app.files.schemas import FilePublic, UploadedFiles

router = APIRouter(prefix="/files", tags=["files"])

Files = Annotated[list[UploadFile], File(min_length=1, max_length=service.MAX_FILES_PER_REQUEST)]


@router.post(
    "/upload",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(*BODY_ERRORS, *BEARER_ERRORS, 415),
)
async def upload_file(
    session: SessionDep,
    user: CurrentUser,
    storage: StorageDep,
    settings: SettingsDep,
    file: Annotated[service.Part, File()],
) -> FilePublic:
    [stored] = await service.upload(
        session, storage, [file], owner=user, max_bytes=settings.max_upload_bytes
    )
    return FilePublic.model_validate(stored)


@router.post(
    "/upload-multiple",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(*BODY_ERRORS, *BEARER_ERRORS, 415),
)
async def upload_files(
    session: SessionDep, user: CurrentUser, storage: StorageDep, settings: SettingsDep, files: Files
) -> UploadedFiles:
    stored = await service.upload(
        session, storage, files, owner=user, max_bytes=settings.max_upload_bytes
    )
    return UploadedFiles(
        uploaded=len(stored), files=[FilePublic.model_validate(row) for row in stored]
    )


@router.get(
    "/{file_id}",
    response_class=StreamingResponse,
    responses=error_responses(*BEARER_ERRORS, 404),
)
async def download_file(stored: VisibleFile, storage: StorageDep) -> StreamingResponse:
    return stream_stored(
        storage,
        stored.storage_name,
        content_type=stored.content_type,
        size=stored.size,
        headers={"Content-Disposition": content_disposition(stored.filename)},
    )
