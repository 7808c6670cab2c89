"""Wiring only: the fixture kit (tests/fixtures), this project's configuration of it
(tests/support/host.py), data fixtures (data.py), login-limit fixtures (limits.py) and fakes
of outbound services (fakes.py), WebSocket helpers (websockets.py),
upload helpers (uploads.py), the garbage collector put back after each test (collector.py), live
uvicorn servers for the resilience layer (live_server.py), the production layer's deployed app
(production.py)."""

pytest_plugins = [
    # First: its checks run after every other function-scoped fixture is torn down.
    "tests.fixtures.leaks",
    "tests.fixtures.database",
    "tests.fixtures.app",
    "tests.fixtures.auth",
    "tests.fixtures.committed",
    "tests.fixtures.hypothesis",
    "tests.fixtures.queries",
    "tests.fixtures.blocker",
    "tests.fixtures.settings",
    "tests.fixtures.mail",
    "tests.fixtures.loops",
    "tests.fixtures.live",
    "tests.fixtures.scoped",
    "tests.support.host",
    "tests.support.data",
    "tests.support.limits",
    "tests.support.fakes",
    "tests.support.uploads",
    "tests.support.websockets",
    "tests.support.hypothesis_profiles",
    "tests.support.collector",
    "tests.support.live_server",
    "tests.support.production",
]
