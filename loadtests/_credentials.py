"""Where the Admin users' credentials come from (pure: no locust import).

In order: `--admin-email`/`--admin-password` (`LOADTEST_ADMIN_EMAIL`/`LOADTEST_ADMIN_PASSWORD`);
else the file `python -m app.seed` writes when it generates the demo admin's password; else none,
and the run goes on without Admin users. Why: docs/load-tests.md ("Admin credentials").
"""

import json
from dataclasses import dataclass
from pathlib import Path

# Relative to the working directory, like bookstore.db: the seed and Locust both run from the
# repository root. Kept in step with app.seed.DEMO_ADMIN_FILE (tests/meta/test_commands.py).
DEMO_ADMIN_FILE = Path(".demo-admin.json")
WITHOUT_ADMINS = "running without the Admin user"


@dataclass(frozen=True, slots=True)
class AdminCredentials:
    email: str
    password: str


@dataclass(frozen=True, slots=True)
class Resolution:
    """The credentials, or None; `message` is the one line the run logs about them at start."""

    credentials: AdminCredentials | None
    message: str


def read_demo_admin(path: Path) -> AdminCredentials | None:
    """The seed's `{"email": ..., "password": ...}`; None when the file is missing or malformed."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    email, password = data.get("email"), data.get("password")
    if not (isinstance(email, str) and email and isinstance(password, str) and password):
        return None
    return AdminCredentials(email=email, password=password)


def resolve(email: str, password: str, demo_file: Path = DEMO_ADMIN_FILE) -> Resolution:
    if email and password:
        return Resolution(
            AdminCredentials(email=email, password=password),
            f"admin credentials from LOADTEST_ADMIN_EMAIL/LOADTEST_ADMIN_PASSWORD ({email})",
        )
    if email or password:
        given, missing = (
            ("LOADTEST_ADMIN_EMAIL", "LOADTEST_ADMIN_PASSWORD")
            if email
            else ("LOADTEST_ADMIN_PASSWORD", "LOADTEST_ADMIN_EMAIL")
        )
        return Resolution(None, f"{given} is set but {missing} is not: {WITHOUT_ADMINS}")
    demo = read_demo_admin(demo_file)
    if demo is not None:
        return Resolution(
            demo,
            f"admin credentials from {demo_file}, written by `python -m app.seed` ({demo.email})",
        )
    found = "unreadable" if demo_file.exists() else "no"
    return Resolution(
        None,
        f"no admin credentials (LOADTEST_ADMIN_EMAIL/LOADTEST_ADMIN_PASSWORD unset, {found}"
        f" {demo_file} from `python -m app.seed`): {WITHOUT_ADMINS}",
    )
