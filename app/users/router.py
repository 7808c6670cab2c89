from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.core.clock import NowDep
from app.core.db import SessionDep
from app.core.errors import BEARER_ERRORS, BODY_ERRORS, error_responses
from app.core.pagination import PageDep, set_page_headers
from app.core.security import PasswordsDep
from app.core.text import SearchText
from app.users import service
from app.users.dependencies import AdminUser, CurrentUser, UserForAdmin
from app.users.schemas import AdminUserUpdate, UserPublic, UserUpdate

router = APIRouter(tags=["users"])


@router.get("/users/me", responses=error_responses(*BEARER_ERRORS))
async def read_me(user: CurrentUser) -> UserPublic:
    return UserPublic.model_validate(user)


@router.patch("/users/me", responses=error_responses(*BODY_ERRORS, *BEARER_ERRORS))
async def update_me(
    user: CurrentUser, session: SessionDep, passwords: PasswordsDep, now: NowDep, body: UserUpdate
) -> UserPublic:
    updated = await service.update_me(session, passwords, user, body, now=now)
    return UserPublic.model_validate(updated)


@router.get("/admin/users", responses=error_responses(*BEARER_ERRORS))
async def list_users(
    _admin: AdminUser,
    session: SessionDep,
    page: PageDep,
    request: Request,
    response: Response,
    q: Annotated[SearchText | None, Query()] = None,
) -> list[UserPublic]:
    users, total = await service.list_page(session, skip=page.skip, limit=page.limit, q=q)
    set_page_headers(request, response, page, total)
    return [UserPublic.model_validate(user) for user in users]


@router.patch(
    "/admin/users/{user_id}", responses=error_responses(*BODY_ERRORS, *BEARER_ERRORS, 404, 409)
)
async def update_user(
    admin: AdminUser, user: UserForAdmin, session: SessionDep, now: NowDep, body: AdminUserUpdate
) -> UserPublic:
    updated = await service.update_by_admin(session, admin, user, body, now=now)
    return UserPublic.model_validate(updated)
