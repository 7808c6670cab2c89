"""Wiring only: the fixture kit (tests/fixtures), this project's configuration of it
(tests/support/host.py) and the data fixtures (tests/support/data.py)."""

pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.app",
    "tests.fixtures.auth",
    "tests.fixtures.committed",
    "tests.support.host",
    "tests.support.data",
]
