"""`settings_override` (tests/fixtures/settings.py, issue 18) reaches what a request reads, both
through `get_settings` and on `app.state`, validates what it installs, and is undone after the
test; the leak detector fails a test that leaves a guarded app's settings replaced or changed.

What happens after a test (teardown, the guard) runs in an inner pytest run with this project's
pytest.ini and root conftest, as tests/meta/test_overrides.py does for dependency overrides.
"""

from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from pydantic import ValidationError

from app import main
from app.core.config import Settings, SettingsDep, get_settings
from tests.fixtures.settings import SettingsAccess, SettingsOverride, changed_copy
from tests.meta.support import run_inner, wire_inner_run

pytest_plugins = ["pytester"]


async def token_minutes(settings: SettingsDep) -> int:
    return settings.access_token_minutes


class TestSettingsOverride:
    async def test_a_request_sees_the_change_and_a_block_puts_back_what_it_found(
        self, app: FastAPI, client: httpx.AsyncClient, settings_override: SettingsOverride
    ) -> None:
        app.add_api_route("/toy/minutes", token_minutes)
        built_with = app.state.settings

        settings_override(access_token_minutes=5)
        five = (await client.get("/toy/minutes")).json()
        with settings_override(access_token_minutes=60) as inside:
            sixty = (await client.get("/toy/minutes")).json()
            assert app.state.settings is inside
        after_block = (await client.get("/toy/minutes")).json()

        assert (five, sixty, after_block) == (5, 60, 5)
        assert app.state.settings.secret_key == built_with.secret_key  # the rest unchanged
        assert app.dependency_overrides[get_settings]() is app.state.settings
        assert built_with.access_token_minutes == 15  # a copy: the original is untouched

    def test_an_invalid_value_is_refused_as_settings_would_refuse_it(
        self, settings_override: SettingsOverride
    ) -> None:
        with pytest.raises(ValidationError, match="access_token_minutes"):
            settings_override(access_token_minutes=0)

    def test_a_name_the_settings_do_not_have_is_refused(
        self, settings_override: SettingsOverride
    ) -> None:
        with pytest.raises(pytest.UsageError, match="Settings has no access_token_minuets"):
            settings_override(access_token_minuets=5)

    def test_undo_puts_back_the_settings_and_the_dependency_as_they_were(
        self, settings: Settings
    ) -> None:
        application = FastAPI()
        application.state.settings = settings
        access = SettingsAccess(state_attribute="settings", dependency=get_settings)
        override = SettingsOverride(application, access)

        override(docs_enabled=False)
        changed = (
            application.state.settings.docs_enabled,
            get_settings in application.dependency_overrides,
        )
        override.undo()

        assert changed == (False, True)
        assert application.state.settings is settings
        assert application.dependency_overrides == {}


@dataclass(frozen=True)
class PlainSettings:
    name: str
    retries: int = 2


def test_a_dataclass_is_copied_with_dataclasses_replace() -> None:
    assert changed_copy(PlainSettings("a"), {"retries": 5}) == PlainSettings("a", 5)
    with pytest.raises(pytest.UsageError, match="PlainSettings has no tries"):
        changed_copy(PlainSettings("a"), {"tries": 5})


TEARDOWN_TESTS = """
from fastapi import FastAPI

from app.core.config import get_settings

SEEN: list[tuple[FastAPI, object]] = []


def test_changes_the_settings(fresh_app, settings_override):
    SEEN.append((fresh_app, fresh_app.state.settings))
    settings_override(access_token_minutes=5)
    assert fresh_app.state.settings.access_token_minutes == 5


def test_the_previous_tests_app_has_its_settings_back():
    (application, original), = SEEN
    assert application.state.settings is original
    assert get_settings not in application.dependency_overrides
"""

LEAKING_TESTS = """
from app import main


def test_replaces_the_module_apps_settings():
    main.app.state.settings = main.app.state.settings.model_copy(update={"log_level": "DEBUG"})


def test_changes_the_module_apps_settings_in_place():
    main.app.state.settings.log_level = "DEBUG"
"""

UNCONFIGURED_TEST = """
import pytest


@pytest.fixture(scope="session")
def settings_access():
    return None


def test_asks_for_settings_override(settings_override):
    pass
"""


def test_settings_are_undone_after_the_test_and_a_leak_on_a_guarded_app_fails(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = main.app.state.settings
    snapshot = before.model_dump()
    wire_inner_run(pytester, monkeypatch)
    pytester.makepyfile(
        test_teardown=TEARDOWN_TESTS,
        test_leaking=LEAKING_TESTS,
        test_unconfigured=UNCONFIGURED_TEST,
    )
    monkeypatch.setenv("COLUMNS", "300")

    result = run_inner(pytester, "test_teardown.py", "test_leaking.py", "test_unconfigured.py")

    result.assert_outcomes(passed=4, errors=3)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_replaces_the_module_apps_settings*",
            "Leak detector (tests.fixtures.leaks): "
            "test_leaking.py::test_replaces_the_module_apps_settings left behind:",
            "- settings leaked: app.state.settings of 'Bookstore API' replaced. Use "
            "settings_override(...), which puts them back after the test*",
            "*ERROR at teardown of test_changes_the_module_apps_settings_in_place*",
            "Leak detector (tests.fixtures.leaks): "
            "test_leaking.py::test_changes_the_module_apps_settings_in_place left behind:",
            "- settings leaked: log_level changed in place on 'Bookstore API'*",
            "*ERROR at setup of test_asks_for_settings_override*",
            "E * pytest.UsageError: settings_override needs the fixture settings_access: return "
            "SettingsAccess(state_attribute=..., dependency=...) saying where your app reads*",
        ]
    )
    assert main.app.state.settings is before
    assert main.app.state.settings.model_dump() == snapshot
