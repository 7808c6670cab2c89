from typing import Annotated

from fastapi import Depends, Path

from app.auth.dependencies import AdminUser
from app.core.db import MAX_ID, SessionDep
from app.users import repository
from app.users.exceptions import UserNotFound
from app.users.models import User

UserId = Annotated[int, Path(ge=1, le=MAX_ID)]


async def user_for_admin(_admin: AdminUser, session: SessionDep, user_id: UserId) -> User:
    """Credentials first: only an admin learns which user ids exist."""
    user = await repository.get(session, user_id)
    if user is None:
        raise UserNotFound
    return user


UserForAdmin = Annotated[User, Depends(user_for_admin)]
