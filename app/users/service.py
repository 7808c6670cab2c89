"""User accounts: registration and the bootstrap admin."""

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.security import Passwords
from app.users import repository
from app.users.exceptions import EmailTaken
from app.users.models import Role, User
from app.users.schemas import UserCreate


async def register(session: AsyncSession, passwords: Passwords, data: UserCreate) -> User:
    """Creates a customer; the unique constraint (not a pre-check) decides a racing duplicate."""
    user = User(
        name=data.name,
        email=data.email,
        password_hash=passwords.hash(data.password),
        role=Role.CUSTOMER.value,
    )
    session.add(user)
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise EmailTaken from exc
    return user


async def ensure_admin(
    session: AsyncSession, passwords: Passwords, *, email: str, password: str
) -> bool:
    """Creates the bootstrap admin unless that email exists; True when it was created.

    Safe with several workers starting at once: the loser of the insert race sees the
    unique constraint and backs off.
    """
    if await repository.get_by_email(session, email) is not None:
        return False
    admin = User(
        name="Administrator",
        email=email.lower(),
        password_hash=passwords.hash(password),
        role=Role.ADMIN.value,
    )
    session.add(admin)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        return False
    return True
