"""A test that hangs fails on its own, with every thread's stack, and the run goes on.

An inner run in a subprocess (pytest-timeout's thread method ends the process it times out in)
with this project's pytest.ini, its limits cut to seconds: a test that never returns, then one
that passes. Under xdist the stacks reach stderr, the worker that timed out is replaced, and the
other test runs.
"""

import pytest

from tests.meta.support import ROOT

pytest_plugins = ["pytester"]

INNER_TESTS = """
import threading


def test_hangs():
    threading.Event().wait()


def test_after_the_hang_runs():
    assert 1 + 1 == 2
"""


@pytest.fixture
def inner_project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.setenv("COLUMNS", "250")
    ini = (ROOT / "pytest.ini").read_text()
    ini = ini.replace("\ntimeout = 300", "\ntimeout = 3")
    pytester.makeini(ini.replace("faulthandler_timeout = 290", "faulthandler_timeout = 1"))
    pytester.makepyfile(test_inner=INNER_TESTS)
    return pytester


def test_the_suite_has_a_per_test_limit_that_dumps_every_thread() -> None:
    ini = (ROOT / "pytest.ini").read_text().splitlines()

    assert "timeout = 300" in ini
    assert "timeout_method = thread" in ini
    assert "faulthandler_timeout = 290" in ini


def test_a_hung_xdist_worker_prints_its_stack_and_the_run_goes_on(
    inner_project: pytest.Pytester,
) -> None:
    result = inner_project.runpytest_subprocess(
        "-p", "no:randomly", "-p", "no:cacheprovider", "-n", "1", "test_inner.py", timeout=120
    )

    result.stderr.fnmatch_lines(
        [
            "Timeout (0:00:01)!",
            "*(most recent call first):",
            '*test_inner.py", line * in test_hangs',
        ]
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*FAILED test_inner.py::test_hangs*"])


def test_without_xdist_the_hung_test_fails_with_every_threads_stack(
    inner_project: pytest.Pytester,
) -> None:
    result = inner_project.runpytest_subprocess(
        "-p",
        "no:randomly",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:xdist",
        "test_inner.py",
        timeout=120,
    )

    result.stdout.fnmatch_lines(["*Timeout*", "*Stack of MainThread*", "*in test_hangs*"])
    assert result.ret != 0
