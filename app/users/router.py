from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.auth.dependencies import AdminUser, CurrentUser
from app.core.db import SessionDep
from app.core.pagination import PageDep, set_page_headers
from app.core.text import SearchText
from app.users import repository
from app.users.schemas import UserPublic

router = APIRouter(tags=["users"])


@router.get("/users/me")
async def read_me(user: CurrentUser) -> UserPublic:
    return UserPublic.model_validate(user)


@router.get("/admin/users")
async def list_users(
    _admin: AdminUser,
    session: SessionDep,
    page: PageDep,
    request: Request,
    response: Response,
    q: Annotated[SearchText | None, Query()] = None,
) -> list[UserPublic]:
    users, total = await repository.list_page(session, skip=page.skip, limit=page.limit, q=q)
    set_page_headers(request, response, page, total)
    return [UserPublic.model_validate(user) for user in users]
