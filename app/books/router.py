from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from app.auth.dependencies import CurrentUser
from app.books import repository, service
from app.books.dependencies import ChangeableBook, ValidBook
from app.books.schemas import BookCreate, BookPublic, BookSort, BookUpdate
from app.core.db import SessionDep
from app.core.pagination import PageDep, set_page_headers
from app.core.routing import DecimalJSONRoute
from app.core.text import SearchText

router = APIRouter(prefix="/books", tags=["books"], route_class=DecimalJSONRoute)

SearchQuery = Annotated[SearchText | None, Query()]


@router.get("")
async def list_books(
    session: SessionDep,
    page: PageDep,
    request: Request,
    response: Response,
    author: SearchQuery = None,
    q: SearchQuery = None,
    sort: BookSort | None = None,
) -> list[BookPublic]:
    filters = repository.BookFilter(author=author, q=q)
    books, total = await repository.list_page(
        session, filters=filters, sort=sort, skip=page.skip, limit=page.limit
    )
    set_page_headers(request, response, page, total)
    return [BookPublic.model_validate(book) for book in books]


@router.get("/{book_id}")
async def read_book(book: ValidBook) -> BookPublic:
    return BookPublic.model_validate(book)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_book(session: SessionDep, user: CurrentUser, body: BookCreate) -> BookPublic:
    book = await service.create(session, body, owner=user)
    return BookPublic.model_validate(book)


@router.put("/{book_id}")
async def replace_book(session: SessionDep, book: ChangeableBook, body: BookCreate) -> BookPublic:
    return BookPublic.model_validate(await service.replace(session, book, body))


@router.patch("/{book_id}")
async def update_book(session: SessionDep, book: ChangeableBook, body: BookUpdate) -> BookPublic:
    return BookPublic.model_validate(await service.update(session, book, body))


@router.delete("/{book_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_book(session: SessionDep, book: ChangeableBook) -> None:
    await service.delete(session, book)
