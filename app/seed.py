"""Demo data: `python -m app.seed` migrates the database and loads an admin and some books.

Idempotent: a second run adds nothing. Refuses to run with ENVIRONMENT=production. When it
generates the admin's password it also writes the credentials to `.demo-admin.json` (git-ignored,
owner-only), where `uv run locust` finds them (docs/load-tests.md, "Admin credentials").
"""

import asyncio
import json
import os
import secrets
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, make_url, select

from app.books.isbn import isbn13_check_digit
from app.books.models import Book
from app.core.config import Environment, Settings
from app.core.db import create_engine, create_sessionmaker
from app.core.security import build_passwords
from app.migrations import upgrade_to_head
from app.users import repository as users_repository
from app.users import service as users_service

DEMO_ADMIN_EMAIL = "admin@example.com"
# Relative to the working directory, like bookstore.db; loadtests/_credentials.py reads it.
DEMO_ADMIN_FILE = Path(".demo-admin.json")

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


def write_demo_admin(path: Path, *, email: str, password: str, database_url: str) -> None:
    """The generated credentials, readable by their owner only (replaced, never appended to)."""
    path.unlink(missing_ok=True)
    content = {
        "email": email,
        "password": password,
        "database_url": make_url(database_url).render_as_string(hide_password=True),
    }
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump(content, file, indent=2)
        file.write("\n")


def main() -> None:
    settings = Settings()
    if settings.environment is Environment.PRODUCTION:
        raise SystemExit("Refusing to load demo data with ENVIRONMENT=production")
    generated = asyncio.run(seed(settings))
    print(f"Demo data ready in {settings.database_url}")
    if generated:
        email = settings.admin_email or DEMO_ADMIN_EMAIL
        write_demo_admin(
            DEMO_ADMIN_FILE, email=email, password=generated, database_url=settings.database_url
        )
        print(f"Admin: {email} / {generated} (shown once)")
        print(f"Saved in {DEMO_ADMIN_FILE} (git-ignored) for `uv run locust` to log in as admin")


if __name__ == "__main__":
    main()
