"""Demo data: `python -m app.seed` migrates the database and loads an admin and some books.

Idempotent: a second run adds nothing. Refuses to run with ENVIRONMENT=production.
"""

import asyncio
import secrets
from decimal import Decimal

from sqlalchemy import func, select

from app.books.isbn import isbn13_check_digit
from app.books.models import Book
from app.core.config import Environment, Settings
from app.core.db import create_engine, create_sessionmaker
from app.core.security import build_passwords
from app.migrations import upgrade_to_head
from app.users import repository as users_repository
from app.users import service as users_service

DEMO_ADMIN_EMAIL = "admin@example.com"

AUTHORS = (
    "Ursula K. Le Guin", "Frank Herbert", "Octavia E. Butler", "Iain M. Banks",
    "Ted Chiang", "N. K. Jemisin", "Terry Pratchett", "Mary Shelley",
)  # fmt: skip
TITLES = (
    "The Quiet Harbour", "Signals from Vega", "A Field Guide to Tides", "The Glass Orchard",
    "Night Trains", "The Cartographer's Daughter",
)  # fmt: skip


def demo_isbn(index: int) -> str:
    first_twelve = f"978000{index:06d}"
    return first_twelve + str(isbn13_check_digit(first_twelve))


def demo_books(owner_id: int, count: int = 36) -> list[Book]:
    return [
        Book(
            title=f"{TITLES[index % len(TITLES)]} {index // len(TITLES) + 1}",
            author=AUTHORS[index % len(AUTHORS)],
            isbn=demo_isbn(index),
            price=Decimal("4.99") + Decimal(index * 3) / 4,
            description="Demo data loaded by `python -m app.seed`.",
            stock=index % 7 * 3,
            owner_id=owner_id,
        )
        for index in range(count)
    ]


async def seed(settings: Settings) -> str | None:
    """Loads the demo data; returns the admin password when it generated one."""
    await asyncio.to_thread(upgrade_to_head, settings.database_url)
    engine = create_engine(settings)
    generated = None
    try:
        async with create_sessionmaker(engine)() as session:
            email = settings.admin_email or DEMO_ADMIN_EMAIL
            if settings.admin_password is not None:
                password = settings.admin_password.get_secret_value()
            else:
                password = generated = secrets.token_urlsafe(12)
            passwords = build_passwords(settings)
            if not await users_service.ensure_admin(
                session, passwords, email=email, password=password
            ):
                generated = None
            admin = await users_repository.get_by_email(session, email)
            assert admin is not None  # noqa: S101 - ensure_admin made it or it existed
            if not await session.scalar(select(func.count()).select_from(Book)):
                session.add_all(demo_books(admin.id))
                await session.commit()
    finally:
        await engine.dispose()
    return generated


def main() -> None:
    settings = Settings()
    if settings.environment is Environment.PRODUCTION:
        raise SystemExit("Refusing to load demo data with ENVIRONMENT=production")
    generated = asyncio.run(seed(settings))
    print(f"Demo data ready in {settings.database_url}")
    if generated:
        print(f"Admin: {settings.admin_email or DEMO_ADMIN_EMAIL} / {generated} (shown once)")


if __name__ == "__main__":
    main()
