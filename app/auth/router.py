from typing import Annotated

from fastapi import APIRouter, Depends, status
from fastapi.security import OAuth2PasswordRequestForm

from app.auth import service
from app.auth.dependencies import PasswordsDep
from app.auth.schemas import LoginRequest, TokenPair
from app.core.clock import NowDep
from app.core.config import SettingsDep
from app.core.db import SessionDep
from app.users import service as users_service
from app.users.schemas import UserCreate, UserPublic

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/register", status_code=status.HTTP_201_CREATED)
async def register(session: SessionDep, passwords: PasswordsDep, body: UserCreate) -> UserPublic:
    user = await users_service.register(session, passwords, body)
    return UserPublic.model_validate(user)


@router.post("/login")
async def login(
    session: SessionDep, passwords: PasswordsDep, settings: SettingsDep, now: NowDep,
    body: LoginRequest,
) -> TokenPair:  # fmt: skip
    user = await service.authenticate(session, passwords, email=body.email, password=body.password)
    return service.issue_tokens(settings, user, now=now)


@router.post("/token")
async def token(
    session: SessionDep, passwords: PasswordsDep, settings: SettingsDep, now: NowDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> TokenPair:  # fmt: skip
    """The OAuth2 password flow (`username` is the email), for Swagger's Authorize button."""
    email = service.parse_login_email(form.username)
    user = await service.authenticate(session, passwords, email=email, password=form.password)
    return service.issue_tokens(settings, user, now=now)
