"""File uploads (issue 5): one or several files, read back by their owner or an admin."""

from typing import Annotated

from fastapi import APIRouter, Depends, UploadFile, status
from starlette.responses import StreamingResponse

from app.core.config import SettingsDep
from app.core.db import SessionDep
from app.core.errors import BEARER_ERRORS, BODY_ERRORS, error_responses
from app.files import forms, service
from app.files.dependencies import StorageDep, VisibleFile
from app.files.forms import BINARY, FormDep
from app.files.responses import content_disposition, stream_stored
from app.files.schemas import FilePublic, UploadedFiles
from app.users.dependencies import CurrentUser

router = APIRouter(prefix="/files", tags=["files"])

FILES = forms.files_adapter(service.MAX_FILES_PER_REQUEST)
FILES_SCHEMA = {
    "type": "array",
    "items": BINARY,
    "minItems": 1,
    "maxItems": service.MAX_FILES_PER_REQUEST,
    "title": "Files",
}


# The caller first: an anonymous or unknown caller is answered before the body is read.
async def uploaded_part(_caller: CurrentUser, form: FormDep) -> forms.Part:
    return forms.field(form, "file", forms.ONE_PART)


async def uploaded_files(_caller: CurrentUser, form: FormDep) -> list[UploadFile]:
    return forms.field(form, "files", FILES, many=True)


@router.post(
    "/upload",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(*BODY_ERRORS, *BEARER_ERRORS, 415),
    openapi_extra=forms.multipart_body(
        "Body_upload_file_files_upload_post",
        "file",
        {**BINARY, "title": "File"},  # a part without a filename is a field, refused with 400
    ),
)
async def upload_file(
    session: SessionDep,
    user: CurrentUser,
    storage: StorageDep,
    settings: SettingsDep,
    file: Annotated[forms.Part, Depends(uploaded_part)],
) -> FilePublic:
    [stored] = await service.upload(
        session, storage, [file], owner=user, max_bytes=settings.max_upload_bytes
    )
    return FilePublic.model_validate(stored)


@router.post(
    "/upload-multiple",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(*BODY_ERRORS, *BEARER_ERRORS, 415),
    openapi_extra=forms.multipart_body(
        "Body_upload_files_files_upload_multiple_post", "files", FILES_SCHEMA
    ),
)
async def upload_files(
    session: SessionDep,
    user: CurrentUser,
    storage: StorageDep,
    settings: SettingsDep,
    files: Annotated[list[UploadFile], Depends(uploaded_files)],
) -> UploadedFiles:
    stored = await service.upload(
        session, storage, files, owner=user, max_bytes=settings.max_upload_bytes
    )
    return UploadedFiles(
        uploaded=len(stored), files=[FilePublic.model_validate(row) for row in stored]
    )


# Digits only: `GET /files/upload` is then no file id (a 422) but the upload's path, a 405.
@router.get(
    "/{file_id:int}",
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
