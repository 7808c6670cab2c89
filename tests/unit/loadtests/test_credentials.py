"""Admin credentials for the load test: the options, else the demo seed's file, else none."""

import json
from pathlib import Path

import pytest

from loadtests._credentials import AdminCredentials, Resolution, resolve

WITHOUT = "running without the Admin user"


def demo_file(tmp_path: Path, content: object) -> Path:
    path = tmp_path / ".demo-admin.json"
    path.write_text(json.dumps(content) if not isinstance(content, str) else content)
    return path


class TestResolve:
    def test_options_win_over_the_demo_file(self, tmp_path: Path) -> None:
        path = demo_file(tmp_path, {"email": "demo@example.com", "password": "from-the-file"})

        assert resolve("boss@example.com", "from-the-env", path) == Resolution(
            AdminCredentials(email="boss@example.com", password="from-the-env"),
            "admin credentials from LOADTEST_ADMIN_EMAIL/LOADTEST_ADMIN_PASSWORD"
            " (boss@example.com)",
        )

    def test_the_demo_file_is_used_when_no_option_is_set(self, tmp_path: Path) -> None:
        path = demo_file(
            tmp_path,
            {"email": "admin@example.com", "password": "generated", "database_url": "sqlite://"},
        )

        assert resolve("", "", path) == Resolution(
            AdminCredentials(email="admin@example.com", password="generated"),
            f"admin credentials from {path}, written by `python -m app.seed` (admin@example.com)",
        )

    def test_nothing_at_all_says_what_to_set(self, tmp_path: Path) -> None:
        path = tmp_path / ".demo-admin.json"

        assert resolve("", "", path) == Resolution(
            None,
            "no admin credentials (LOADTEST_ADMIN_EMAIL/LOADTEST_ADMIN_PASSWORD unset,"
            f" no {path} from `python -m app.seed`): {WITHOUT}",
        )

    @pytest.mark.parametrize(
        "content",
        [
            pytest.param("{not json", id="not_json"),
            pytest.param(["admin@example.com", "pw"], id="not_an_object"),
            pytest.param({"email": "admin@example.com"}, id="no_password"),
            pytest.param({"email": "", "password": "pw"}, id="empty_email"),
            pytest.param({"email": "admin@example.com", "password": 12345}, id="password_not_text"),
        ],
    )
    def test_a_malformed_demo_file_is_named_and_ignored(
        self, tmp_path: Path, content: object
    ) -> None:
        path = demo_file(tmp_path, content)

        assert resolve("", "", path) == Resolution(
            None,
            "no admin credentials (LOADTEST_ADMIN_EMAIL/LOADTEST_ADMIN_PASSWORD unset,"
            f" unreadable {path} from `python -m app.seed`): {WITHOUT}",
        )

    @pytest.mark.parametrize(
        ("email", "password", "message"),
        [
            pytest.param(
                "boss@example.com",
                "",
                f"LOADTEST_ADMIN_EMAIL is set but LOADTEST_ADMIN_PASSWORD is not: {WITHOUT}",
                id="email_only",
            ),
            pytest.param(
                "",
                "pw",
                f"LOADTEST_ADMIN_PASSWORD is set but LOADTEST_ADMIN_EMAIL is not: {WITHOUT}",
                id="password_only",
            ),
        ],
    )
    def test_half_of_the_options_is_a_mistake_not_a_cue_for_the_file(
        self, tmp_path: Path, email: str, password: str, message: str
    ) -> None:
        path = demo_file(tmp_path, {"email": "admin@example.com", "password": "generated"})

        assert resolve(email, password, path) == Resolution(None, message)
