"""Who is calling: the bearer token turned into a user, role checks on top, and the user an
admin names by id.

Here rather than in app/auth, which is above users: every router, the users router too, needs
the current user, and auth itself imports users (issue 16, layers).
"""

from typing import Annotated

from fastapi import Depends, Path
from fastapi.security import OAuth2PasswordBearer

from app.core.config import SettingsDep
from app.core.db import MAX_ID, SessionDep
from app.users import repository
from app.users.exceptions import AdminRequired, UserNotFound
from app.users.models import Role, User
from app.users.service import user_for_access_token

# auto_error=False: a missing token goes through our own 401 (same body and header as the rest).
bearer_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


async def get_current_user(
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(bearer_scheme)],
) -> User:
    return await user_for_access_token(session, settings, token)


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_admin_user(user: CurrentUser) -> User:
    if user.role != Role.ADMIN:
        raise AdminRequired
    return user


AdminUser = Annotated[User, Depends(get_admin_user)]

UserId = Annotated[int, Path(ge=1, le=MAX_ID)]


async def user_for_admin(_admin: AdminUser, session: SessionDep, user_id: UserId) -> User:
    """Credentials first: only an admin learns which user ids exist."""
    user = await repository.get(session, user_id)
    if user is None:
        raise UserNotFound
    return user


UserForAdmin = Annotated[User, Depends(user_for_admin)]
