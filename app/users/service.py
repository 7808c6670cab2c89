"""User accounts: registration, changes by the user or an admin, the bootstrap admin, and the
user an access token names."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.db import read_only
from app.core.errors import NotAuthenticated
from app.core.security import InvalidToken, Passwords, TokenType, decode_token
from app.users import repository
from app.users.exceptions import (
    AccountDeactivated,
    CannotChangeOwnAdminAccount,
    EmailTaken,
    LastActiveAdmin,
    WrongCurrentPassword,
)
from app.users.models import Role, User
from app.users.schemas import AdminUserUpdate, UserCreate, UserUpdate


async def user_for_access_token(
    session: AsyncSession, settings: Settings, token: str | None
) -> User:
    """The active user an access token names: the one check behind the bearer dependency and
    the WebSocket event stream (issue 16, layers). NotAuthenticated for no token, a bad one or
    an unknown user; AccountDeactivated for a deactivated one.

    The look-up's transaction is over on return: the handler's slow work (a password check, an
    upload, a call out) must not hold it, and its writes begin their own (issue 15).
    """
    if token is None:
        raise NotAuthenticated
    try:
        claims = decode_token(settings, token, expected=TokenType.ACCESS)
    except InvalidToken as exc:
        raise NotAuthenticated("Invalid token") from exc
    async with read_only(session):
        user = await repository.get(session, claims.subject)
    if user is None:
        raise NotAuthenticated("Invalid token")
    if not user.is_active:
        raise AccountDeactivated
    return user


async def list_page(
    session: AsyncSession, *, skip: int, limit: int, q: str | None
) -> tuple[Sequence[User], int]:
    """A page of accounts by id, those matching `q` (name or email) when it is given; the total."""
    return await repository.list_page(session, skip=skip, limit=limit, q=q)


async def register(session: AsyncSession, passwords: Passwords, data: UserCreate) -> User:
    """Creates a customer; the unique constraint (not a pre-check) decides a racing duplicate."""
    user = User(
        name=data.name,
        email=data.email,
        password_hash=await passwords.hash(data.password),
        role=Role.CUSTOMER.value,
    )
    session.add(user)
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise EmailTaken from exc
    return user


async def update_me(
    session: AsyncSession, passwords: Passwords, user: User, data: UserUpdate, *, now: datetime
) -> User:
    """Name and password; a new password needs the current one and ends every refresh token.

    Both Argon2 steps run before anything changes: a refused request leaves nothing pending in
    the session, and the write transaction begins only once the slow work is done (issue 15).
    """
    new_hash = None
    if data.new_password is not None:
        if not await passwords.verify(data.current_password or "", user.password_hash):
            raise WrongCurrentPassword
        new_hash = await passwords.hash(data.new_password)
    if data.name is not None:
        user.name = data.name
    if new_hash is not None:
        user.password_hash = new_hash
        await repository.revoke_refresh_tokens(session, user_id=user.id, now=now)
    await session.commit()
    return user


async def update_by_admin(
    session: AsyncSession, admin: User, user: User, data: AdminUserUpdate, *, now: datetime
) -> User:
    """Role and activation; deactivating ends every refresh token of the user.

    A change that takes an admin away counts the active admins under a lock, in the transaction
    that writes: two admins removing each other at once cannot both pass (409).
    """
    removes = (data.role is not None and data.role != Role.ADMIN) or data.is_active is False
    if user.id == admin.id and removes:
        raise CannotChangeOwnAdminAccount
    if removes:
        active_admins = await repository.lock_active_admin_ids(session)
        if active_admins == [user.id]:
            await session.rollback()  # lets the locks go now, not when the session closes
            raise LastActiveAdmin
    if data.role is not None:
        user.role = data.role.value
    if data.is_active is not None:
        user.is_active = data.is_active
    if data.is_active is False:
        await repository.revoke_refresh_tokens(session, user_id=user.id, now=now)
    await session.commit()
    return user


async def ensure_admin(
    session: AsyncSession, passwords: Passwords, *, email: str, password: str
) -> bool:
    """Creates the bootstrap admin unless that email exists; True when it was created.

    Safe with several workers starting at once: the loser of the insert race sees the
    unique constraint and backs off. The look-up's transaction is over before the hash, so the
    workers do not queue behind one another's (issue 15).
    """
    async with read_only(session):
        if await repository.get_by_email(session, email) is not None:
            return False
    admin = User(
        name="Administrator",
        email=email.lower(),
        password_hash=await passwords.hash(password),
        role=Role.ADMIN.value,
    )
    session.add(admin)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        return False
    return True
