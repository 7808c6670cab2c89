"""Every documented command works as printed (issue 22): the promises README.md, CONTRIBUTING.md
and docs/ make about `make`, Locust, the demo seed and `pytest -n auto --cov` (issue 17), checked
against what the tools do."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from coverage import CoverageData

from app.seed import DEMO_ADMIN_EMAIL, DEMO_ADMIN_FILE, main
from loadtests import _credentials

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
# `name:` or `name: prerequisites` then `## description`, the form `make help` prints.
DESCRIBED_TARGET = re.compile(r"^(?P<name>[A-Za-z0-9_-]+):[^#=]*## (?P<description>.+)$", re.M)
RULE = re.compile(r"^(?P<name>[A-Za-z0-9][\w.-]*) *:(?![:=])", re.M)
HELP_LINE = re.compile(r"^  (?P<name>\S+) +(?P<description>.+)$")
# Locust as a command: a shell line starting with it, or an inline code span running it with
# arguments. `uv run locust ...` does not match; neither does the bare name `locust`.
BARE_LOCUST_IN_SHELL = re.compile(r"^\s*(?:\$ )?locust\b", re.M)
BARE_LOCUST_IN_PROSE = re.compile(r"`locust -")


def executable(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not on PATH (the test image has no {name})")
    return path


def run(command: list[str]) -> subprocess.CompletedProcess[str]:
    # No MAKEFLAGS/MAKELEVEL from a `make test` around the suite: make would print directories.
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}}
    return subprocess.run(  # noqa: S603 - fixed commands from this file
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=60
    )


def documented_pages() -> list[Path]:
    pages = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
    return [page for page in pages if page.exists()]


class TestMakeHelp:
    def described_targets(self) -> dict[str, str]:
        makefile = (ROOT / "Makefile").read_text()
        return {m["name"]: m["description"] for m in DESCRIBED_TARGET.finditer(makefile)}

    def test_make_alone_prints_the_help(self) -> None:
        make = executable("make")

        alone, help_ = (
            run([make, "--no-print-directory"]),
            run([make, "--no-print-directory", "help"]),
        )

        assert (alone.returncode, alone.stderr) == (0, ""), alone.stderr
        assert alone.stdout == help_.stdout
        assert alone.stdout.startswith("  help ")

    def test_help_lists_every_described_target_with_its_description(self) -> None:
        completed = run([executable("make"), "--no-print-directory", "help"])

        listed = {}
        for line in completed.stdout.splitlines():
            match = HELP_LINE.match(line)
            assert match is not None, f"not a help line: {line!r}"
            listed[match["name"]] = match["description"]
        assert completed.returncode == 0, completed.stderr
        assert listed == self.described_targets()

    def test_every_target_has_a_description(self) -> None:
        makefile = (ROOT / "Makefile").read_text()
        rules = {m["name"] for m in RULE.finditer(makefile)} - {".PHONY", ".DEFAULT_GOAL"}

        assert sorted(rules - set(self.described_targets())) == []


class TestLocustCommands:
    def test_locust_conf_binds_the_web_ui_to_loopback(self) -> None:
        # Locust's own parser in a subprocess: importing locust here would monkey-patch the suite.
        script = (
            "import json; from locust.argument_parser import get_parser; "
            "o = get_parser(default_config_files=('locust.conf',)).parse_args([]); "
            "print(json.dumps([o.web_host, o.locustfile, o.host]))"
        )

        completed = run([sys.executable, "-c", script])

        assert completed.returncode == 0, completed.stderr
        assert json.loads(completed.stdout) == ["127.0.0.1", "loadtests", "http://127.0.0.1:8000"]

    @pytest.mark.parametrize(
        "path",
        [
            *documented_pages(),
            ROOT / "locust.conf",
            *sorted((ROOT / "loadtests").glob("*.py")),
        ],
        ids=lambda path: str(path.relative_to(ROOT)),
    )
    def test_locust_runs_through_uv_wherever_it_is_shown(self, path: Path) -> None:
        """`locust` is in .venv only: a bare `locust -f loadtests` fails on a fresh clone."""
        assert bare_locust_commands(path.read_text()) == []

    def test_the_check_finds_a_bare_locust(self) -> None:
        text = "Run `locust -f loadtests`.\n```bash\nlocust --headless\nuv run locust -u 5\n```\n"

        assert bare_locust_commands(text) == ["`locust -", "locust"]


def bare_locust_commands(text: str) -> list[str]:
    return [m[0] for m in BARE_LOCUST_IN_PROSE.finditer(text)] + [
        m[0].strip() for m in BARE_LOCUST_IN_SHELL.finditer(text)
    ]


class TestDemoAdminHandOff:
    """`python -m app.seed` leaves the generated password where `uv run locust` looks for it."""

    def test_the_load_test_logs_in_with_what_the_seed_printed(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'bookstore.db'}")
        monkeypatch.setenv("ENVIRONMENT", "test")
        monkeypatch.chdir(tmp_path)  # both sides resolve the file against the working directory

        main()
        printed = capsys.readouterr().out.splitlines()[1]
        found = _credentials.resolve("", "")

        assert found.credentials is not None
        assert printed == (f"Admin: {DEMO_ADMIN_EMAIL} / {found.credentials.password} (shown once)")
        assert found == _credentials.Resolution(
            _credentials.AdminCredentials(DEMO_ADMIN_EMAIL, found.credentials.password),
            "admin credentials from .demo-admin.json, written by `python -m app.seed`"
            f" ({DEMO_ADMIN_EMAIL})",
        )

    def test_both_sides_name_the_same_file(self) -> None:
        assert DEMO_ADMIN_FILE == _credentials.DEMO_ADMIN_FILE == Path(".demo-admin.json")

    def test_the_file_is_git_ignored_and_kept_out_of_images(self) -> None:
        if not (ROOT / ".git").exists():
            pytest.skip("not a git checkout (the test image has no .git)")
        completed = run([executable("git"), "check-ignore", "--quiet", str(DEMO_ADMIN_FILE)])

        assert completed.returncode == 0, "git would offer .demo-admin.json for a commit"
        assert str(DEMO_ADMIN_FILE) in (ROOT / ".dockerignore").read_text().splitlines()


def path_with(tmp_path: Path, *tools: str) -> str:
    """A PATH holding only `tools` (the real ones, linked), so everything else is missing."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in tools:
        (bin_dir / tool).symlink_to(executable(tool))
    return str(bin_dir)


def run_with_path(command: list[str], path: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed commands from this file
        command,
        cwd=ROOT,
        env={"PATH": path, "HOME": os.environ.get("HOME", "/")},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


LOADTEST_TOOLS = ("pg_isready", "createdb", "dropdb", "curl", "timeout")
PG_TOOLS = "PostgreSQL's client tools: apt-get install postgresql-client"
MISSING = {
    **{
        tool: f"{tool} is not on PATH ({PG_TOOLS})" for tool in ("pg_isready", "createdb", "dropdb")
    },
    "curl": "curl is not on PATH (apt-get install curl)",
    "timeout": "timeout is not on PATH (GNU coreutils)",
    "wrk": "wrk is not on PATH (apt-get install wrk, or brew install wrk)",
}


class TestPrerequisites:
    """scripts/require.sh: one line per missing tool, exit 2, before anything starts."""

    def test_every_missing_tool_gets_its_own_line(self, tmp_path: Path) -> None:
        bash = executable("bash")

        completed = run_with_path(
            [bash, "scripts/require.sh", "loadtest", *LOADTEST_TOOLS], path_with(tmp_path)
        )

        assert completed.returncode == 2
        assert completed.stderr.splitlines() == [f"loadtest: {MISSING[t]}" for t in LOADTEST_TOOLS]
        assert completed.stdout == ""

    def test_only_the_missing_one_is_named(self, tmp_path: Path) -> None:
        bash = executable("bash")
        present = [tool for tool in LOADTEST_TOOLS if tool != "createdb"]

        completed = run_with_path(
            [bash, "scripts/require.sh", "loadtest", *LOADTEST_TOOLS],
            path_with(tmp_path, *present),
        )

        assert (completed.returncode, completed.stderr) == (2, f"loadtest: {MISSING['createdb']}\n")

    def test_nothing_is_said_when_every_tool_is_there(self, tmp_path: Path) -> None:
        bash = executable("bash")

        completed = run_with_path(
            [bash, "scripts/require.sh", "loadtest", *LOADTEST_TOOLS],
            path_with(tmp_path, *LOADTEST_TOOLS),
        )

        assert (completed.returncode, completed.stdout, completed.stderr) == (0, "", "")

    def test_the_load_test_stops_before_touching_postgresql(self, tmp_path: Path) -> None:
        # What the script runs before its check (the run id), and nothing of PostgreSQL's.
        path = path_with(tmp_path, "bash", "dirname", "date", "head", "od", "tr", "curl", "timeout")

        completed = run_with_path([executable("bash"), "scripts/loadtest.sh"], path)

        assert completed.returncode == 2
        assert completed.stderr.splitlines() == [
            f"loadtest: {MISSING[tool]}" for tool in ("pg_isready", "createdb", "dropdb")
        ]

    def test_make_throughput_names_wrk_first(self, tmp_path: Path) -> None:
        make = executable("make")

        completed = run_with_path(
            [make, "--no-print-directory", "throughput"], path_with(tmp_path, "bash")
        )

        assert completed.returncode == 2
        assert completed.stderr.splitlines()[0] == f"throughput: {MISSING['wrk']}"
        assert completed.stdout == ""


SHAPES = """\
def area(width: int, height: int) -> int:
    return width * height


def label(size: int) -> str:
    if size > 10:
        return "big"
    return "small"
"""
SHAPES_TESTS = """\
import subprocess
import sys

from app.shapes import area


def test_area():
    assert area(2, 3) == 6


def test_label_in_a_subprocess():
    code = "from app.shapes import label; print(label(11), label(1))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "big small\\n"
"""


class TestCoverageCommand:
    """README.md's `pytest -n auto --cov=app --cov-branch`, run with this repository's pytest.ini
    and .coveragerc on a two-test project: under xdist, each line records the test that ran it,
    and a Python subprocess a test starts is measured too (issue 17)."""

    @pytest.mark.slow  # a pytest run with two workers under coverage, about 15 s
    def test_records_per_test_contexts_and_measures_subprocesses(
        self, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # This run's own coverage settings, if it runs under coverage, are not the inner run's.
        for name in ("COVERAGE_PROCESS_START", "COVERAGE_PROCESS_CONFIG", "COVERAGE_FILE"):
            monkeypatch.delenv(name, raising=False)
        pytester.makeini((ROOT / "pytest.ini").read_text())
        (pytester.path / ".coveragerc").write_text((ROOT / ".coveragerc").read_text())
        pytester.mkpydir("app")
        shapes = pytester.path / "app" / "shapes.py"
        shapes.write_text(SHAPES)
        pytester.makepyfile(test_shapes=SHAPES_TESTS)

        result = pytester.runpytest_subprocess(
            "-n", "2", "--cov=app", "--cov-branch", "-p", "no:randomly", "test_shapes.py"
        )

        result.assert_outcomes(passed=2)
        result.stdout.fnmatch_lines(
            ["Required test coverage of 95*% reached. Total coverage: 100.00%"]
        )
        data = CoverageData(basename=str(pytester.path / ".coverage"))
        data.read()
        # "" is outside any test: the imports at collection, and the whole subprocess.
        assert data.contexts_by_lineno(str(shapes)) == {
            1: [""],
            2: ["test_shapes.py::test_area|run"],
            5: [""],
            6: [""],
            7: [""],
            8: [""],
        }
