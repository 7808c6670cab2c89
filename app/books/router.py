from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response, status
from starlette.responses import StreamingResponse

from app.books import covers, service
from app.books.dependencies import BookId, ChangeableBook, NewCoverDep, ValidBook
from app.books.schemas import BookCreate, BookPublic, BookSort, BookUpdate
from app.core.config import SettingsDep
from app.core.db import SessionDep
from app.core.errors import BEARER_ERRORS, BODY_ERRORS, error_responses
from app.core.events import EventBusDep
from app.core.pagination import PageDep, set_page_headers
from app.core.reads import ReadsDep
from app.core.routing import DecimalJSONRoute
from app.core.text import SearchText
from app.files.dependencies import StorageDep
from app.files.forms import BINARY, multipart_body
from app.files.responses import stream_stored
from app.users.dependencies import CurrentUser

router = APIRouter(prefix="/books", tags=["books"], route_class=DecimalJSONRoute)

SearchQuery = Annotated[SearchText | None, Query()]
JSON = "application/json"


@router.get("", response_model=list[BookPublic])
async def list_books(
    reads: ReadsDep,
    page: PageDep,
    request: Request,
    author: SearchQuery = None,
    q: SearchQuery = None,
    sort: BookSort | None = None,
) -> Response:
    body, total = await service.page_json(
        reads, author=author, q=q, sort=sort, skip=page.skip, limit=page.limit
    )
    response = Response(body, media_type=JSON)
    set_page_headers(request, response, page, total)
    return response


@router.get("/{book_id}", response_model=BookPublic, responses=error_responses(404))
async def read_book(reads: ReadsDep, book_id: BookId) -> Response:
    return Response(await service.public_json(reads, book_id), media_type=JSON)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(*BODY_ERRORS, *BEARER_ERRORS, 409),
)
async def create_book(
    session: SessionDep, bus: EventBusDep, user: CurrentUser, body: BookCreate
) -> BookPublic:
    return BookPublic.model_validate(await service.create(session, bus, body, owner=user))


@router.put("/{book_id}", responses=error_responses(*BODY_ERRORS, *BEARER_ERRORS, 404, 409))
async def replace_book(session: SessionDep, book: ChangeableBook, body: BookCreate) -> BookPublic:
    return BookPublic.model_validate(await service.replace(session, book, body))


@router.patch("/{book_id}", responses=error_responses(*BODY_ERRORS, *BEARER_ERRORS, 404, 409))
async def update_book(session: SessionDep, book: ChangeableBook, body: BookUpdate) -> BookPublic:
    return BookPublic.model_validate(await service.update(session, book, body))


@router.delete(
    "/{book_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(*BEARER_ERRORS, 404, 409),
)
async def delete_book(session: SessionDep, book: ChangeableBook, storage: StorageDep) -> None:
    await service.delete(session, storage, book)


# Digits only on the two routes with a second segment: `/books/lookup/{isbn}` (app/catalog) is
# then never a cover, whichever router the app tries first (issue 16, layers); `/books/abc/cover`
# is a 404, as `/files/abc` is. `/books/{book_id}` overlaps nothing and keeps its 422s.
@router.put(
    "/{book_id:int}/cover",
    responses=error_responses(*BODY_ERRORS, *BEARER_ERRORS, 404, 415),
    openapi_extra=multipart_body(
        "Body_replace_cover_books__book_id__cover_put", "file", {**BINARY, "title": "File"}
    ),
)
async def replace_cover(
    session: SessionDep, new: NewCoverDep, storage: StorageDep, settings: SettingsDep
) -> covers.CoverPublic:
    return await covers.replace(
        session, storage, new.book, new.file, max_bytes=settings.max_cover_bytes
    )


@router.get(
    "/{book_id:int}/cover",
    response_class=StreamingResponse,
    responses={304: {"description": "`If-None-Match` matched"}, **error_responses(404)},
)
async def read_cover(
    book: ValidBook,
    storage: StorageDep,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    cover = covers.cover_of(book)
    headers = {"ETag": cover.etag, "Cache-Control": covers.COVER_CACHE_CONTROL}
    if covers.matches(if_none_match, cover.etag):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return stream_stored(
        storage,
        cover.storage_name,
        content_type=cover.content_type,
        size=cover.size,
        headers=headers,
    )
