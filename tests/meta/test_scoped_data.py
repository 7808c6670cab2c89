"""Scoped data (tests/fixtures/scoped.py, issue 18): rows built once for a module or a class are
seen by every test using them, a test's writes (the app's own commit() included) never reach the
next test, and the rows are gone after the scope, never committed.

The sequence proofs run in an inner pytest run on this project's wiring, in file order, on
SQLite and on the outer run's PostgreSQL server; the tests below the inner run use the feature
in this run, whatever the order pytest-randomly and xdist give them.
"""

import os
import uuid

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.users.models import User
from tests.factories import TEST_PASSWORD, UserFactory, persist
from tests.meta.support import committed_emails, run_inner, wire_inner_run

pytest_plugins = ["pytester"]

INNER_SCOPE = """
import pytest
from sqlalchemy import select

from app.users.models import User
from tests.factories import TEST_PASSWORD, UserFactory, persist
from tests.meta.support import committed_emails

SCOPED = ["scoped-1@example.com", "scoped-2@example.com"]


async def emails(session):
    return " ".join(await session.scalars(select(User.email).order_by(User.email)))


@pytest.fixture(scope="module")
async def scoped_users(module_db):
    return [await persist(module_db, UserFactory, email=email) for email in SCOPED]


async def test_a_test_writes_a_row_and_the_app_commits_one(db_session, client, scoped_users):
    await persist(db_session, UserFactory, email="factory@example.com")
    body = {"name": "Reg", "email": "registered@example.com", "password": TEST_PASSWORD}
    response = await client.post("/auth/register", json=body)
    assert response.status_code == 201, response.text
    print("WROTE", await emails(db_session))


async def test_outside_the_scope(db_session):
    print("OUTSIDE", await emails(db_session), "end")


async def test_the_app_rolls_back_and_a_test_changes_a_scoped_object(client, scoped_users):
    body = {"name": "Dup", "email": SCOPED[0], "password": TEST_PASSWORD}
    response = await client.post("/auth/register", json=body)
    scoped_users[0].name = "changed in memory"
    print("ROLLED BACK", response.status_code)


async def test_reads_through_module_db(db_session, module_db, scoped_users):
    print("READ", len(list(await module_db.scalars(select(User)))))


async def test_the_next_test_sees_only_the_scope(db_session, scoped_users, database_url):
    names = [user.name for user in scoped_users]
    stored = [(await db_session.get(User, user.id)).name for user in scoped_users]
    kept = "changed in memory" not in names
    print("NEXT", await emails(db_session), "names as stored:", names == stored, kept)
    print("COMMITTED", await committed_emails(database_url), "end")


@pytest.fixture(scope="class")
async def class_user(class_db):
    return await persist(class_db, UserFactory, email="class@example.com")


class TestClassData:
    async def test_class_writes(self, db_session, class_user, scoped_users):
        await persist(db_session, UserFactory, email="class-test@example.com")
        print("CLASS", await emails(db_session))

    async def test_class_next(self, db_session, class_user):
        print("CLASS NEXT", await emails(db_session))


async def test_after_the_class(db_session, scoped_users):
    print("AFTER CLASS", await emails(db_session))


async def test_refused_beside_committed_db(scoped_users, committed_db):
    pass
"""

INNER_LATER = """
from sqlalchemy import select

from app.users.models import User
from tests.meta.support import committed_emails


async def test_a_later_module(db_session, database_url):
    seen = list(await db_session.scalars(select(User.email)))
    print("LATER MODULE", seen, await committed_emails(database_url), "end")
"""

SCOPED = "scoped-1@example.com scoped-2@example.com"
# In the order the kit runs them: the test outside the scope first; then each scoped test
# from the scope's rows alone, whatever the one before it wrote or committed.
EXPECTED_LINES = [
    "*::test_outside_the_scope OUTSIDE  end",
    "PASSED",
    f"*::test_a_test_writes_a_row_and_the_app_commits_one WROTE factory@example.com "
    f"registered@example.com {SCOPED}",
    "PASSED",
    "*::test_the_app_rolls_back_and_a_test_changes_a_scoped_object ROLLED BACK 409",
    "PASSED",
    "*::test_reads_through_module_db READ 2",
    "PASSED",
    "*::test_reads_through_module_db ERROR",
    f"*::test_the_next_test_sees_only_the_scope NEXT {SCOPED} names as stored: True True",
    "COMMITTED ?? end",
    "PASSED",
    f"*::TestClassData::test_class_writes CLASS class-test@example.com class@example.com {SCOPED}",
    "PASSED",
    f"*::TestClassData::test_class_next CLASS NEXT class@example.com {SCOPED}",
    "PASSED",
    f"*::test_after_the_class AFTER CLASS {SCOPED}",
    "PASSED",
    "*::test_refused_beside_committed_db ERROR",
    "*::test_a_later_module LATER MODULE ?? ?? end",
    "PASSED",
]
MISUSE = (
    "E * Failed: the test used module_db or class_db itself: they build a scope's data in "
    "fixtures of that scope; a test writes through db_session*"
)
REFUSAL = (
    "*UsageError: *test_refused_beside_committed_db uses module_db (through its data "
    "fixtures) and committed_db, which works on connections of its own*"
)


def _postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    return url if url.startswith("postgresql") else None


def _wire(backend: str, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    postgres = _postgres_url()
    wire_inner_run(pytester, monkeypatch)
    if backend == "postgresql":
        if postgres is None:
            pytest.skip("needs a PostgreSQL DATABASE_URL (the outer run is on SQLite)")
        # A run of its own: its template and database are its own, dropped at its end.
        monkeypatch.setenv("TEST_DATABASE_URL", postgres)
        monkeypatch.setenv("PYTEST_XDIST_TESTRUNUID", uuid.uuid4().hex)
        monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_scoped_rows_are_seen_by_each_test_and_a_tests_writes_by_none_after_it(
    backend: str, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    _wire(backend, pytester, monkeypatch)
    pytester.makepyfile(test_a_scope=INNER_SCOPE, test_b_later=INNER_LATER)

    result = run_inner(pytester, "-v", "-s", "test_a_scope.py", "test_b_later.py")

    result.stdout.fnmatch_lines(EXPECTED_LINES, consecutive=False)
    result.stdout.fnmatch_lines([MISUSE, REFUSAL])
    result.assert_outcomes(passed=9, errors=2)


# In this run: order-free checks (pytest-randomly, xdist) of a module scope and a class scope.

OWN_EMAILS = {
    "writes": "writes@example.com",
    "commits": "commits@example.com",
    "reads": None,
}


@pytest.fixture(scope="module")
async def module_users(module_db: AsyncSession) -> list[User]:
    return [
        await persist(module_db, UserFactory, email=f"module-{index}@example.com")
        for index in range(3)
    ]


async def emails(session: AsyncSession) -> list[str]:
    return list(await session.scalars(select(User.email).order_by(User.email)))


MODULE_EMAILS = [f"module-{index}@example.com" for index in range(3)]


@pytest.mark.parametrize("kind", list(OWN_EMAILS))
async def test_each_test_starts_from_the_module_rows_alone(
    kind: str,
    client: httpx.AsyncClient,
    db_session: AsyncSession,
    module_users: list[User],
    database_url: str,
) -> None:
    assert await emails(db_session) == MODULE_EMAILS
    assert [user.email for user in module_users] == MODULE_EMAILS
    stored = await db_session.scalar(select(User.name).where(User.id == module_users[0].id))
    assert module_users[0].name == stored
    assert "changed by" not in module_users[0].name
    own = OWN_EMAILS[kind]
    if kind == "writes":
        await persist(db_session, UserFactory, email=own)
    elif kind == "commits":
        body = {"name": "Own", "email": own, "password": TEST_PASSWORD}
        response = await client.post("/auth/register", json=body)
        assert response.status_code == 201, response.text
    module_users[0].name = f"changed by {kind}"  # put back after the test

    assert await emails(db_session) == sorted([*MODULE_EMAILS, *([own] if own else [])])
    assert await committed_emails(database_url) == []


@pytest.fixture(scope="class")
async def class_user(class_db: AsyncSession) -> User:
    """Class-scoped data is a fixture of class scope outside the class: pytest deprecates
    class-scoped fixtures defined as methods (PytestRemovedIn10Warning)."""
    user: User = await persist(class_db, UserFactory, email="class@example.com")
    return user


class TestClassScope:
    @pytest.mark.parametrize("kind", ["first", "second"])
    async def test_sees_the_module_and_class_rows_not_a_neighbours(
        self, kind: str, db_session: AsyncSession, class_user: User, module_users: list[User]
    ) -> None:
        assert await emails(db_session) == ["class@example.com", *MODULE_EMAILS]
        assert class_user.email == "class@example.com"
        await persist(db_session, UserFactory, email=f"{kind}@example.com")
