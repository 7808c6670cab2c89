"""Who is calling: the bearer token turned into a user, and role checks on top."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from app.auth.rate_limit import LoginLimiterDep
from app.auth.service import LoginService, RefreshService, user_for_access_token
from app.core.clock import NowDep
from app.core.config import SettingsDep
from app.core.db import SessionDep
from app.core.security import Passwords
from app.users.exceptions import AdminRequired
from app.users.models import Role, User

# auto_error=False: a missing token goes through our own 401 (same body and header as the rest).
bearer_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


def get_passwords(request: Request) -> Passwords:
    passwords: Passwords = request.app.state.passwords
    return passwords


PasswordsDep = Annotated[Passwords, Depends(get_passwords)]


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


def get_login_service(
    session: SessionDep,
    passwords: PasswordsDep,
    limiter: LoginLimiterDep,
    settings: SettingsDep,
    now: NowDep,
) -> LoginService:
    return LoginService(session, passwords, limiter, settings, now)


LoginServiceDep = Annotated[LoginService, Depends(get_login_service)]


def get_refresh_service(session: SessionDep, settings: SettingsDep, now: NowDep) -> RefreshService:
    return RefreshService(session, settings, now)


RefreshServiceDep = Annotated[RefreshService, Depends(get_refresh_service)]
