"""Locust load tests for the bookstore API (issue 7): `uv run locust -f loadtests`, from the
repository root.

Locust imports every `.py` file under a directory given to `-f` as a locustfile, except files
whose names start with `_`: the user classes live in plain modules, the shared helpers in
`_`-prefixed ones. See docs/load-tests.md.
"""
