"""Dependency overrides never outlive the test that made them.

The leak detector and the `override` fixture's teardown act after a test has finished, which no
assertion inside that test can see; so those proofs run a small inner test file through
`pytester`, with this project's own pytest.ini and root conftest (the same wiring).
What happens inside a test is checked directly on `app` and on `Overrides`.
"""

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from app import main
from app.core.config import get_settings
from app.core.db import get_session
from app.core.reads import get_reads
from app.users.dependencies import get_current_user
from app.users.models import User
from tests.fixtures.app import Overrides
from tests.meta.support import run_inner, wire_inner_run

pytest_plugins = ["pytester"]


def first_settings() -> str:
    return "first"


def second_settings() -> str:
    return "second"


async def no_session() -> AsyncIterator[None]:
    yield None


async def test_override_restores_the_previous_override_when_its_block_exits(
    app: FastAPI,
    override: Overrides,
    session_dependency: Callable[..., Any],
) -> None:
    """`app` already overrides the session dependency (and the read path, on the same session):
    leaving the block must put the kit's overrides back."""
    kit = dict(app.dependency_overrides)
    assert set(kit) == {session_dependency, get_reads}

    override(get_settings, first_settings)
    assert app.dependency_overrides == {**kit, get_settings: first_settings}

    with override(session_dependency, no_session), override(get_settings, second_settings):
        assert app.dependency_overrides == {
            **kit,
            session_dependency: no_session,
            get_settings: second_settings,
        }

    assert app.dependency_overrides == {**kit, get_settings: first_settings}


def test_restore_all_puts_back_what_was_there_before() -> None:
    application = FastAPI()
    application.dependency_overrides[get_settings] = first_settings
    overrides = Overrides(application)

    overrides(get_settings, second_settings)
    overrides(get_session, no_session)
    overrides(get_settings, first_settings)
    overrides.restore_all()

    assert application.dependency_overrides == {get_settings: first_settings}


def test_restore_all_touches_other_apps_only_where_overridden() -> None:
    own, other = FastAPI(), FastAPI()
    other.dependency_overrides[get_session] = no_session
    overrides = Overrides(own)

    overrides(get_settings, first_settings, app=other)
    assert other.dependency_overrides == {
        get_session: no_session,
        get_settings: first_settings,
    }
    overrides.restore_all()

    assert (own.dependency_overrides, other.dependency_overrides) == (
        {},
        {get_session: no_session},
    )


def test_restore_all_after_a_block_exits_under_a_later_override() -> None:
    """A call made inside a `with` block outlives the block; at the end nothing may remain.

    Replaying each call's saved value would put the block's replacement back after the block
    removed it; restoring each dependency's original value cannot.
    """
    application = FastAPI()
    overrides = Overrides(application)

    with overrides(get_settings, first_settings):
        overrides(get_settings, second_settings)
    overrides.restore_all()

    assert application.dependency_overrides == {}


def signed_in_user() -> User:
    return User(
        id=41,
        name="Overridden",
        email="overridden@example.com",
        password_hash="-",
        role="customer",
        is_active=True,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


SIGNED_IN = {
    "id": 41,
    "name": "Overridden",
    "email": "overridden@example.com",
    "role": "customer",
    "is_active": True,
    "created_at": "2026-01-01T00:00:00Z",
}


async def test_override_reaches_the_app_client_serves(
    client: httpx.AsyncClient, override: Overrides
) -> None:
    override(get_current_user, signed_in_user)

    response = await client.get("/users/me")

    assert response.status_code == 200, response.text
    assert response.json() == SIGNED_IN


def test_override_reaches_the_app_sync_client_serves(
    sync_client: TestClient, override: Overrides
) -> None:
    """`override` and every client share the test's one app (`fresh_app`), so an override
    cannot silently miss the app that `sync_client` serves."""
    override(get_current_user, signed_in_user)

    response = sync_client.get("/users/me")

    assert response.status_code == 200, response.text
    assert response.json() == SIGNED_IN


LEAKING_TEST = """
from app import main
from app.users.dependencies import get_current_user
from app.core.config import get_settings


def test_sets_an_override_on_the_module_app_and_leaves_it() -> None:
    main.app.dependency_overrides[get_settings] = lambda: "leaked"
"""

RESTORING_TEST = """
from app import main
from app.users.dependencies import get_current_user
from app.core.config import get_settings


def first() -> str:
    return "first"


def second() -> str:
    return "second"


def test_overrides_the_module_app_through_the_fixture(override) -> None:
    override(get_settings, first, app=main.app)
    with override(get_settings, second, app=main.app):
        assert main.app.dependency_overrides == {get_settings: second}
    assert main.app.dependency_overrides == {get_settings: first}
"""


def test_leak_guard_fails_a_test_that_leaves_an_override_on_a_guarded_app(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    wire_inner_run(pytester, monkeypatch)
    pytester.makepyfile(test_leaking=LEAKING_TEST)

    result = run_inner(pytester, "test_leaking.py")

    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_sets_an_override_on_the_module_app_and_leaves_it*",
            "Leak detector (tests.fixtures.leaks): "
            "test_leaking.py::test_sets_an_override_on_the_module_app_and_leaves_it left behind:",
            "- dependency_overrides leaked on 'Bookstore API': {(<function get_settings*",
        ]
    )
    assert main.app.dependency_overrides == {}


def test_override_fixture_restores_a_guarded_app_at_teardown(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    wire_inner_run(pytester, monkeypatch)
    pytester.makepyfile(test_restoring=RESTORING_TEST)

    result = run_inner(pytester, "test_restoring.py")

    result.assert_outcomes(passed=1)
    assert main.app.dependency_overrides == {}
