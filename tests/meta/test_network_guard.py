"""The network guard: a test that connects anywhere but loopback fails, loopback still works.

An inner pytest run in a subprocess (its own process: pytest-socket patches `socket` globally,
which must not leak into this worker) with this project's pytest.ini, on two tests: one
connecting to a loopback listener, one to 203.0.113.1 (TEST-NET-3, reserved for documentation:
nothing would answer there anyway, so a pass could not come from a real connection).
"""

import pytest

from tests.meta.support import ROOT

pytest_plugins = ["pytester"]

INNER_TESTS = """
import socket


def test_loopback_is_allowed():
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass


def test_the_outside_world_is_blocked():
    with socket.create_connection(("203.0.113.1", 80), timeout=5):
        pass
"""


def test_a_connection_beyond_loopback_fails_with_the_guards_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "250")  # the summary line unshortened
    pytester.makeini((ROOT / "pytest.ini").read_text())
    pytester.makepyfile(test_inner=INNER_TESTS)

    result = pytester.runpytest_subprocess(
        "-p", "no:randomly", "-p", "no:cacheprovider", "test_inner.py"
    )

    result.assert_outcomes(passed=1, failed=1)
    # pytest-socket warns, then raises SocketConnectBlockedError; with `filterwarnings = error`
    # the warning is what fails the test first. Same message either way.
    blocked = 'A test tried to use socket.socket.connect() with host "203.0.113.1"'
    result.stdout.fnmatch_lines(
        [
            f"FAILED test_inner.py::test_the_outside_world_is_blocked - *{blocked} "
            '(allowed: "127.0.0.1,::1,localhost*',
        ]
    )
