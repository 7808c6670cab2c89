"""The login and refresh services, built per request. Who is calling (`CurrentUser`,
`AdminUser`) is app/users/dependencies.py: auth is above users (issue 16, layers)."""

from typing import Annotated

from fastapi import Depends

from app.auth.rate_limit import LoginLimiterDep
from app.auth.service import LoginService, RefreshService
from app.core.clock import NowDep
from app.core.config import SettingsDep
from app.core.db import SessionDep
from app.core.security import PasswordsDep


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
