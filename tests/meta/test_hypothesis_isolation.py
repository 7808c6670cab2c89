"""Hypothesis examples do not share one fixture: each gets its own rolled-back transaction.

A function-scoped `db_session` or `client` is set up once per test, so every `@given` example
would see the rows of the examples before it. `PortalExamples.isolated()` gives each example a
new connection, outer transaction, app and client instead.
"""

from typing import Any

from fastapi import FastAPI
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.users.models import User
from tests.factories import UserFactory, persist
from tests.fixtures.hypothesis import IsolatedExample, PortalExamples
from tests.support.host import bearer_headers

EXAMPLES = 15
ISBNS = ["9780306406157", "9781861972712"]
Names = st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=20)


async def _add_user_and_count(session: AsyncSession, name: str) -> int:
    await persist(session, UserFactory, name=name)
    return await _count_users(session)


async def _count_users(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(User)) or 0


async def _count_users_on(examples: PortalExamples) -> int:
    async with examples.engine.connect() as connection:
        return await connection.scalar(select(func.count()).select_from(User)) or 0


def test_every_example_writes_into_an_empty_table(portal_examples: PortalExamples) -> None:
    counts: list[int] = []

    @hypothesis_settings(max_examples=EXAMPLES, database=None)
    @given(name=Names)
    def each_example(name: str) -> None:
        with portal_examples.isolated() as example:
            counts.append(portal_examples.call(_add_user_and_count, example.session, name))
        assert counts[-1] == 1

    each_example()

    assert counts == [1] * len(counts)
    assert len(counts) >= 2  # more than one example ran, or nothing was shown
    assert portal_examples.call(_count_users_on, portal_examples) == 0


def test_examples_sharing_one_session_see_each_others_rows(
    portal_examples: PortalExamples,
) -> None:
    """The pitfall the helper avoids: one session for every example accumulates their rows."""
    counts: list[int] = []
    with portal_examples.isolated() as shared:

        @hypothesis_settings(max_examples=EXAMPLES, database=None)
        @given(name=Names)
        def each_example(name: str) -> None:
            counts.append(portal_examples.call(_add_user_and_count, shared.session, name))

        each_example()

    assert counts == list(range(1, len(counts) + 1))
    assert len(counts) >= 2
    assert portal_examples.call(_count_users_on, portal_examples) == 0


async def _create_book_and_list(
    example: IsolatedExample, headers: dict[str, str], isbn: str, title: str
) -> tuple[int, Any]:
    body = {"title": title, "author": "Example", "isbn": isbn, "price": 9.5, "stock": 1}
    created = await example.client.post("/books", json=body, headers=headers)
    assert created.status_code == 201, created.text
    listed = await example.client.get("/books")
    assert listed.status_code == 200, listed.text
    return created.json()["id"], listed.json()


def test_every_example_gets_its_own_app_and_client_on_its_own_transaction(
    portal_examples: PortalExamples, settings: Settings
) -> None:
    """The app's own commits stay inside the example: each listing shows that example's book.

    ISBNs repeat across examples: a shared transaction would answer 409 to the second one.
    """
    apps: list[FastAPI] = []  # kept alive, so their ids cannot be reused

    @hypothesis_settings(max_examples=EXAMPLES, database=None)
    @given(isbn=st.sampled_from(ISBNS), title=Names)
    def each_example(isbn: str, title: str) -> None:
        with portal_examples.isolated() as example:
            apps.append(example.app)
            user = portal_examples.call(persist, example.session, UserFactory)
            book_id, listed = portal_examples.call(
                _create_book_and_list, example, bearer_headers(settings, user), isbn, title
            )
        assert [(book["id"], book["isbn"]) for book in listed] == [(book_id, isbn)]

    each_example()

    assert len(apps) >= 2
    assert len({id(app) for app in apps}) == len(apps)  # a fresh app per example, not one per test
