"""The mutation scripts (issue 19, docs/mutation.md): the per-package report the nightly shards
join into, the gate's reading of mutmut's verdicts and the equivalents list, and the mapping from
a git diff to the mutmut names of the functions it touches."""

import fnmatch
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts"
SCORE = SCRIPTS / "ci_mutation_score.py"


def load(name: str) -> ModuleType:
    """A script as a module; `scripts/` on the path, as when it runs as `python scripts/x.py`."""
    sys.path.insert(0, str(SCRIPTS))
    try:
        spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(SCRIPTS))


DIFF = (
    "--- app/books/isbn.py\n+++ app/books/isbn.py\n@@ -1,2 +1,2 @@\n"
    " def f(x):\n-    return x + 1\n+    return x - 1\n"
)


def shard(path: Path, mutants: dict[str, str], diffs: dict[str, str]) -> Path:
    path.write_text(json.dumps({"mutants": mutants, "diffs": diffs}))
    return path


def run_report(workdir: Path, *shards: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(SCORE), "report", *map(str, shards)],
        cwd=workdir,
        env={**os.environ, "GITHUB_STEP_SUMMARY": str(workdir / "summary.md")},
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )


class TestReport:
    def test_scores_each_package_joins_databases_and_lists_each_survivor_with_its_diff(
        self, tmp_path: Path
    ) -> None:
        sqlite = shard(
            tmp_path / "books.json",
            {
                "app.books.isbn.x_f__mutmut_1": "killed",
                "app.books.isbn.x_f__mutmut_2": "survived",
                "app.books.isbn.x_f__mutmut_3": "survived",
                "app.main.x_g__mutmut_1": "no tests",
                "app.main.x_g__mutmut_2": "timeout",
            },
            {"app.books.isbn.x_f__mutmut_2": DIFF, "app.books.isbn.x_f__mutmut_3": DIFF},
        )
        # The PostgreSQL pass noticed mutant 3: noticed on either database is killed.
        postgres = shard(tmp_path / "books-pg.json", {"app.books.isbn.x_f__mutmut_3": "killed"}, {})

        completed = run_report(tmp_path, sqlite, postgres)

        report = (tmp_path / "reports" / "mutation.md").read_text()
        assert completed.returncode == 1, completed.stderr
        assert report.splitlines()[:6] == [
            "## Mutation score per package (target 90 %)",
            "",
            "| package | score | killed | timeout | survived | no tests | equivalent | other"
            " | not checked |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            "| books | 66.7 % | 2 | 0 | 1 | 0 | 0 | 0 | 0 |",
            "| app | 50.0 % | 0 | 1 | 0 | 1 | 0 | 0 | 0 |",
        ]
        assert "## Timeouts, counted as killed (1)\n\n- app.main.x_g__mutmut_2\n" in report
        assert "### app.books.isbn.x_f__mutmut_2\n\n```diff\n" + DIFF + "```" in report
        assert "### app.main.x_g__mutmut_1" in report
        assert "x_f__mutmut_3" not in report
        assert (tmp_path / "summary.md").read_text() == report
        assert completed.stdout.endswith(
            "packages under 90 %: ['books', 'app']; untriaged survivors: 2\n"
        )

    def test_passes_when_every_survivor_is_a_listed_equivalent(self, tmp_path: Path) -> None:
        docs = tmp_path / "docs"
        docs.mkdir()
        (docs / "mutation-equivalents.toml").write_text(
            '[[equivalent]]\nmutant = "app.books.isbn.x_f__mutmut_2"\n'
            'mutated = "return x - 1"\nreason = "x is always 0 here"\n'
        )
        killed = {f"app.books.isbn.x_f__mutmut_{n}": "killed" for n in range(3, 12)}
        results = shard(
            tmp_path / "books.json",
            {**killed, "app.books.isbn.x_f__mutmut_2": "survived"},
            {"app.books.isbn.x_f__mutmut_2": DIFF},
        )

        completed = run_report(tmp_path, results)

        assert completed.returncode == 0, completed.stdout
        assert "| books | 100.0 % | 9 | 0 | 0 | 0 | 1 | 0 | 0 |" in completed.stdout
        assert "## Survivors not in docs/mutation-equivalents.toml (0)" in completed.stdout


class TestEquivalents:
    @pytest.mark.parametrize(
        ("mutated", "excused"),
        [
            pytest.param("return x - 1", True, id="same_change"),
            pytest.param("return x * 1", False, id="renumbered_mutant_changes_something_else"),
        ],
    )
    def test_an_entry_excuses_only_the_change_it_was_reviewed_for(
        self, mutated: str, excused: bool
    ) -> None:
        score = load("ci_mutation_score")
        entry = score.Equivalent(mutant="app.books.isbn.x_f__mutmut_2", mutated=mutated, reason="r")

        assert score.is_equivalent(entry.mutant, DIFF, {entry.mutant: entry}) is excused

    @pytest.mark.parametrize(
        ("mutated", "excused"),
        [
            pytest.param("removed: scope=scope,", True, id="same_line_removed"),
            pytest.param("removed: client_id=client_id,", False, id="renumbered_removes_another"),
            pytest.param("", False, id="blank_entry_excuses_no_removal"),
        ],
    )
    def test_a_mutant_that_only_removes_a_line_is_named_by_the_line_it_removes(
        self, mutated: str, excused: bool
    ) -> None:
        score = load("ci_mutation_score")
        removal = (
            "--- app/auth/schemas.py\n+++ app/auth/schemas.py\n@@ -1,3 +1,2 @@\n"
            "         password=password,\n-        scope=scope,\n         client_id=client_id,\n"
        )
        entry = score.Equivalent(mutant="app.auth.x_f__mutmut_11", mutated=mutated, reason="r")

        assert score.is_equivalent(entry.mutant, removal, {entry.mutant: entry}) is excused

    def test_the_reviewed_list_parses_and_every_entry_gives_a_reason(self) -> None:
        score = load("ci_mutation_score")

        entries = score.load_equivalents(ROOT / "docs" / "mutation-equivalents.toml")
        assert [name for name, entry in entries.items() if not entry.reason.strip()] == []


class TestVerdicts:
    def test_reads_mutmut_meta_files_through_the_globs(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        meta = tmp_path / "mutants" / "app" / "books" / "isbn.py.meta"
        meta.parent.mkdir(parents=True)
        codes = {
            "app.books.isbn.x_f__mutmut_1": 1,
            "app.books.isbn.x_f__mutmut_2": 0,
            "app.books.isbn.x_g__mutmut_1": 33,
            "app.books.isbn.x_g__mutmut_2": None,
            "app.books.isbn.x_g__mutmut_3": 36,
        }
        meta.write_text(json.dumps({"exit_code_by_key": codes}))
        monkeypatch.chdir(tmp_path)
        score = load("ci_mutation_score")

        assert score.verdicts(["app.books.isbn.x_g__mutmut_*"]) == {
            "app.books.isbn.x_g__mutmut_1": "no tests",
            "app.books.isbn.x_g__mutmut_2": "not checked",
            "app.books.isbn.x_g__mutmut_3": "timeout",
        }
        assert score.verdicts([])["app.books.isbn.x_f__mutmut_2"] == "survived"


class TestChangedFunctions:
    SOURCE = (
        "import functools\n"  # 1
        "\n"
        "def plain(x):\n"  # 3
        "    return x\n"
        "\n"
        "@functools.cache\n"  # 6
        "def cached(x):\n"
        "    return x\n"
        "\n"
        "class Shelf:\n"  # 10
        "    def count(self):\n"
        "        return 1\n"
    )

    @pytest.mark.parametrize(
        ("lines", "globs"),
        [
            pytest.param({4}, ["app.books.shelf.x_plain__mutmut_*"], id="function_body"),
            pytest.param({6}, ["app.books.shelf.x_cached__mutmut_*"], id="decorator"),
            pytest.param({12}, ["app.books.shelf.x\u01c1Shelf\u01c1count__mutmut_*"], id="method"),
            pytest.param({1, 2}, [], id="outside_any_function"),
        ],
    )
    def test_each_touched_function_becomes_its_mutmut_name_glob(
        self,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        lines: set[int],
        globs: list[str],
    ) -> None:
        source = tmp_path / "app" / "books" / "shelf.py"
        source.parent.mkdir(parents=True)
        source.write_text(self.SOURCE)
        monkeypatch.chdir(tmp_path)
        diff = load("mutation_diff")

        assert diff.touched_globs({Path("app/books/shelf.py"): lines}) == globs

    def test_mutmut_runs_a_glob_that_also_matches_the_function_name(self) -> None:
        # mutmut picks the clean run's tests by matching the glob against function names.
        diff = load("mutation_diff")

        run = diff.run_glob("app.books.isbn.x_normalise_isbn__mutmut_*")
        assert run == "app.books.isbn.x_normalise_isbn*"
        assert fnmatch.fnmatchcase("app.books.isbn.x_normalise_isbn", run)
        assert fnmatch.fnmatchcase("app.books.isbn.x_normalise_isbn__mutmut_3", run)

    def test_an_init_module_is_named_after_its_package(self) -> None:
        diff = load("mutation_diff")

        assert diff.module_name(Path("app/books/__init__.py")) == "app.books"
        assert diff.module_name(Path("app/main.py")) == "app.main"


class TestImportTime:
    def test_each_listed_function_exists_and_names_tests_that_exist(self) -> None:
        import_time = load("mutation_import_time")

        listed = import_time.load(ROOT / "docs" / "mutation-import-time.toml")
        assert listed
        for entry in listed:
            module, _, mangled = entry.function.rpartition(".")
            source = (ROOT / module.replace(".", "/")).with_suffix(".py").read_text()
            # mutmut's names: `x_<function>`, or `xǁ<Class>ǁ<method>` for a method.
            *owner, function = mangled.removeprefix("x_").split("\u01c1")
            assert f"def {function}(" in source, entry.function
            assert all(f"class {name}" in source for name in owner[1:]), entry.function
            assert [test for test in entry.tests if not (ROOT / test).exists()] == []
            assert entry.reason.strip()

    def test_a_mutant_is_on_from_the_first_import_and_a_failing_run_kills_it(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        mutants = tmp_path / "mutants"
        (mutants / "pkg").mkdir(parents=True)
        (mutants / "pkg" / "__init__.py").write_text(
            "import os\nBUILT = os.environ.get('MUTANT_UNDER_TEST')\n"
        )
        (mutants / "test_built.py").write_text(
            "import pkg\n\ndef test_built():\n    assert pkg.BUILT != 'pkg.x_f__mutmut_2'\n"
        )
        codes = {"pkg.x_f__mutmut_1": 0, "pkg.x_f__mutmut_2": 0, "pkg.x_g__mutmut_1": 0}
        meta = mutants / "pkg" / "__init__.py.meta"
        meta.write_text(json.dumps({"exit_code_by_key": codes}))
        monkeypatch.chdir(tmp_path)
        import_time = load("mutation_import_time")
        listed = [import_time.ImportTimeFunction("pkg.x_f", ["test_built.py"], "at import")]

        killed = import_time.judge(sorted(codes), dict(os.environ), listed)

        assert killed == {"pkg.x_f__mutmut_2"}
        assert json.loads(meta.read_text())["exit_code_by_key"] == {
            "pkg.x_f__mutmut_1": 0,
            "pkg.x_f__mutmut_2": 1,
            "pkg.x_g__mutmut_1": 0,
        }


class TestPostgresPass:
    def test_a_mutant_neither_database_noticed_keeps_sqlites_verdict(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        meta = tmp_path / "mutants" / "app" / "core" / "reads.py.meta"
        meta.parent.mkdir(parents=True)
        after_postgres = {
            "app.core.reads.x_f__mutmut_1": 1,
            "app.core.reads.x_f__mutmut_2": 33,
            "app.core.reads.x_f__mutmut_3": 0,
        }
        meta.write_text(json.dumps({"exit_code_by_key": after_postgres}))
        monkeypatch.chdir(tmp_path)
        run = load("mutation_run")

        run.keep_sqlite_verdicts(
            {
                "app.core.reads.x_f__mutmut_1": "survived",
                "app.core.reads.x_f__mutmut_2": "survived",
                "app.core.reads.x_f__mutmut_3": "no tests",
            }
        )

        assert json.loads(meta.read_text())["exit_code_by_key"] == {
            "app.core.reads.x_f__mutmut_1": 1,
            "app.core.reads.x_f__mutmut_2": 0,
            "app.core.reads.x_f__mutmut_3": 33,
        }
