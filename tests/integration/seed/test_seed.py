"""`python -m app.seed`: migrates, loads an admin and the demo books, and is idempotent."""

import asyncio
import json
import stat
from decimal import Decimal
from pathlib import Path

import pytest
from dirty_equals import IsStr
from pydantic import SecretStr
from sqlalchemy import func, select

from app.books.models import Book
from app.books.schemas import BookCreate
from app.core.config import Environment, Settings
from app.core.db import create_engine, create_sessionmaker
from app.core.security import build_passwords
from app.seed import DEMO_ADMIN_EMAIL, DEMO_ADMIN_FILE, demo_books, main, seed, write_demo_admin
from app.users.models import Role, User


def seed_settings(tmp_path: Path, **fields: object) -> Settings:
    url = f"sqlite+aiosqlite:///{tmp_path / 'seed.sqlite3'}"
    return Settings.model_validate({"environment": Environment.TEST, "database_url": url, **fields})


async def counts_and_admin(settings: Settings) -> tuple[int, int, User]:
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            books = await session.scalar(select(func.count()).select_from(Book))
            users = await session.scalar(select(func.count()).select_from(User))
            admin = (await session.scalars(select(User))).one()
            return books or 0, users or 0, admin
    finally:
        await engine.dispose()


async def test_first_run_loads_admin_and_books_with_a_generated_password(
    tmp_path: Path,
) -> None:
    settings = seed_settings(tmp_path)

    password = await seed(settings)

    books, users, admin = await counts_and_admin(settings)
    assert (books, users) == (36, 1)
    assert (admin.email, admin.role) == (DEMO_ADMIN_EMAIL, Role.ADMIN)
    assert password is not None
    assert password == IsStr(regex=r"[A-Za-z0-9_-]{16}")  # token_urlsafe(12): 96 bits
    assert await build_passwords(settings).verify(password, admin.password_hash) is True


async def test_second_run_adds_nothing_and_reveals_no_password(tmp_path: Path) -> None:
    settings = seed_settings(tmp_path)
    await seed(settings)

    assert await seed(settings) is None
    books, users, _admin = await counts_and_admin(settings)
    assert (books, users) == (36, 1)


async def test_configured_admin_is_used_and_no_password_is_printed(tmp_path: Path) -> None:
    settings = seed_settings(
        tmp_path, admin_email="Boss@Example.com", admin_password=SecretStr("a-long-passphrase")
    )

    assert await seed(settings) is None
    _books, _users, admin = await counts_and_admin(settings)
    assert admin.email == "boss@example.com"
    assert await build_passwords(settings).verify("a-long-passphrase", admin.password_hash) is True


def test_demo_books_are_valid_and_unique() -> None:
    books = demo_books(owner_id=1)
    assert len({book.isbn for book in books}) == 36
    for book in books:  # what POST /books would accept, check digit included
        created = BookCreate.model_validate(book, from_attributes=True)
        assert created.model_dump() == {
            "title": book.title,
            "author": book.author,
            "isbn": book.isbn,
            "price": book.price,
            "description": book.description,
            "stock": book.stock,
        }


def test_demo_books_cycle_titles_authors_prices_and_stock() -> None:
    books = demo_books(owner_id=7)

    assert [book_fields(books[index]) for index in (0, 8)] == [
        {
            "title": "The Quiet Harbour 1",
            "author": "Ursula K. Le Guin",
            "isbn": "9780000000002",
            "price": Decimal("4.99"),
            "description": "Demo data loaded by `python -m app.seed`.",
            "stock": 0,
            "owner_id": 7,
        },
        {
            "title": "A Field Guide to Tides 2",
            "author": "Ursula K. Le Guin",
            "isbn": "9780000000088",
            "price": Decimal("10.99"),
            "description": "Demo data loaded by `python -m app.seed`.",
            "stock": 3,
            "owner_id": 7,
        },
    ]


def book_fields(book: Book) -> dict[str, object]:
    names = ("title", "author", "isbn", "price", "description", "stock", "owner_id")
    return {name: getattr(book, name) for name in names}


def test_main_refuses_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    with pytest.raises(SystemExit) as refused:
        main()
    assert refused.value.code == "Refusing to load demo data with ENVIRONMENT=production"


def test_main_prints_where_the_data_went_and_the_password_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'main.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.chdir(tmp_path)  # main() writes DEMO_ADMIN_FILE into the working directory

    main()
    first = capsys.readouterr().out.splitlines()
    main()
    second = capsys.readouterr().out.splitlines()

    password = json.loads((tmp_path / DEMO_ADMIN_FILE).read_text())["password"]
    assert first == [
        f"Demo data ready in {url}",
        f"Admin: {DEMO_ADMIN_EMAIL} / {password} (shown once)",
        "Saved in .demo-admin.json (git-ignored) for `uv run locust` to log in as admin",
    ]
    assert second == [f"Demo data ready in {url}"]


class TestDemoAdminFile:
    """The generated password is also left where the load test looks (loadtests/_credentials.py)."""

    def test_first_run_writes_the_generated_credentials_for_the_owner_only(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'demo.sqlite3'}")
        monkeypatch.setenv("ENVIRONMENT", "test")
        monkeypatch.chdir(tmp_path)

        main()

        written = tmp_path / DEMO_ADMIN_FILE
        content = json.loads(written.read_text())
        assert content == {
            "email": DEMO_ADMIN_EMAIL,
            "password": IsStr(min_length=16),
            "database_url": f"sqlite+aiosqlite:///{tmp_path / 'demo.sqlite3'}",
        }
        assert stat.S_IMODE(written.stat().st_mode) == 0o600
        settings = seed_settings(tmp_path, database_url=content["database_url"])
        _books, _users, admin = asyncio.run(counts_and_admin(settings))
        assert asyncio.run(
            build_passwords(settings).verify(content["password"], admin.password_hash)
        )

    def test_a_configured_password_is_not_written(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'demo.sqlite3'}")
        monkeypatch.setenv("ENVIRONMENT", "test")
        monkeypatch.setenv("ADMIN_PASSWORD", "a-long-passphrase")
        monkeypatch.chdir(tmp_path)

        main()

        assert not (tmp_path / DEMO_ADMIN_FILE).exists()

    def test_the_file_is_indented_json_and_the_url_has_no_password(self, tmp_path: Path) -> None:
        path = tmp_path / "admin.json"

        write_demo_admin(
            path,
            email="a@example.com",
            password="secret-pass",
            database_url="postgresql+asyncpg://app:db-secret@127.0.0.1:5432/shop",
        )

        assert path.read_text() == (
            "{\n"
            '  "email": "a@example.com",\n'
            '  "password": "secret-pass",\n'
            '  "database_url": "postgresql+asyncpg://app:***@127.0.0.1:5432/shop"\n'
            "}\n"
        )
