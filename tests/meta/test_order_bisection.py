"""The command for a failure that depends on test order (issue 18): asottile's
detect-test-pollution bisects the collected order and names the test that pollutes the failing
one. What the leak detector cannot see (a module global, a cache) is what it is for.

A generated project with this project's pytest.ini and the root conftest's kit plugins (the
detector among them): one test fills a module-level cache, another fails only after
it, three more are innocent. The command, as tests/fixtures/README.md prints it, names the
polluter.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.meta.support import ROOT

pytest_plugins = ["pytester"]

POLLUTION = """
CACHE: dict[str, str] = {}
"""

POLLUTER = """
from pollution import CACHE


def test_fills_the_cache():
    CACHE["user"] = "stale"
"""

VICTIM = """
from pollution import CACHE


def test_starts_with_an_empty_cache():
    assert CACHE == {}
"""

INNOCENT = """
def test_one():
    assert 1 + 1 == 2


def test_two():
    assert "a".upper() == "A"


def test_three():
    assert sorted([2, 1]) == [1, 2]
"""

VICTIM_ID = "test_victim.py::test_starts_with_an_empty_cache"
COMMAND = Path(sys.executable).with_name("detect-test-pollution")


def kit_only_conftest() -> str:
    """The root conftest's kit plugins (the detector first), without this project's own: each
    of the command's pytest runs then starts without importing the bookstore app."""
    root = (ROOT / "tests" / "conftest.py").read_text()
    plugins = re.search(r"^pytest_plugins = \[\n(.*?)^\]", root, re.MULTILINE | re.DOTALL)
    assert plugins is not None, "tests/conftest.py lists its plugins in pytest_plugins"
    kit = [line for line in plugins[1].splitlines() if '"tests.fixtures.' in line]
    return "pytest_plugins = [\n" + "\n".join(kit) + "\n]\n"


def _environment() -> dict[str, str]:
    """This project importable, a SQLite database of the run's own, no xdist worker's name."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("PYTEST_XDIST") and name != "TEST_DATABASE_URL"
    }
    return {**env, "PYTHONPATH": str(ROOT), "DATABASE_URL": "sqlite+aiosqlite://"}


@pytest.mark.slow  # about seven pytest runs in subprocesses
def test_detect_test_pollution_names_the_test_that_pollutes_the_failing_one(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini((ROOT / "pytest.ini").read_text())
    pytester.makeconftest(kit_only_conftest())
    pytester.makepyfile(
        pollution=POLLUTION, test_polluter=POLLUTER, test_victim=VICTIM, test_innocent=INNOCENT
    )

    result = subprocess.run(  # noqa: S603 - the dev dependency next to our interpreter
        [str(COMMAND), "--failing-test", VICTIM_ID, "--tests", "."],
        cwd=pytester.path,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "-> discovered 5 tests!" in output, output
    assert output.splitlines()[-1] == (
        "-> the polluting test is: test_polluter.py::test_fills_the_cache"
    ), output
