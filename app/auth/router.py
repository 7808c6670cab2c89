from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, status

from app.auth import service
from app.auth.dependencies import LoginServiceDep, RefreshServiceDep
from app.auth.rate_limit import ClientKey, RegistrationLimiterDep
from app.auth.schemas import LoginRequest, RefreshRequest, TokenForm, TokenPair
from app.core.db import SessionDep
from app.core.errors import BEARER_ERRORS, BODY_ERRORS, error_responses
from app.core.security import PasswordsDep
from app.notifications.mailer import MailerDep, send_quietly
from app.users import messages
from app.users import service as users_service
from app.users.dependencies import CurrentUser
from app.users.schemas import UserCreate, UserPublic

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(*BODY_ERRORS, 409, 429),
)
async def register(
    session: SessionDep,
    passwords: PasswordsDep,
    limiter: RegistrationLimiterDep,
    client: ClientKey,
    mailer: MailerDep,
    background: BackgroundTasks,
    body: UserCreate,
) -> UserPublic:
    await limiter.admit(client)  # before the hash it would cost (issue 15, finding 4)
    user = await users_service.register(session, passwords, body)
    background.add_task(send_quietly, mailer, messages.welcome(user))
    return UserPublic.model_validate(user)


@router.post("/login", responses=error_responses(*BODY_ERRORS, 401, 403, 429))
async def login(login: LoginServiceDep, client: ClientKey, body: LoginRequest) -> TokenPair:
    return await login.log_in(client=client, email=body.email, password=body.password)


@router.post("/token", responses=error_responses(*BODY_ERRORS, 401, 403, 429))
async def token(
    login: LoginServiceDep,
    client: ClientKey,
    form: Annotated[TokenForm, Depends()],
) -> TokenPair:
    """The OAuth2 password flow (`username` is the email), for Swagger's Authorize button."""
    email = service.parse_login_email(form.username)
    return await login.log_in(client=client, email=email, password=form.password)


@router.post("/refresh", responses=error_responses(*BODY_ERRORS, 401))
async def refresh(tokens: RefreshServiceDep, body: RefreshRequest) -> TokenPair:
    """A new pair for a live refresh token, which is revoked (shown again: every token goes)."""
    return await tokens.refresh(body.refresh_token)


@router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(*BODY_ERRORS, *BEARER_ERRORS),
)
async def logout(user: CurrentUser, tokens: RefreshServiceDep, body: RefreshRequest) -> None:
    """Revokes the caller's own refresh token; another user's is left alone, answered alike."""
    await tokens.log_out(user, body.refresh_token)
