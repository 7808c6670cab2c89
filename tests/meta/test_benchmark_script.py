"""`make benchmark` (scripts/benchmark.sh, docs/benchmarks.md) keeps its promises (issue 22): the
first run on a machine saves the baseline and says so, later runs compare with it and confirm a
regression with a second run, PostgreSQL runs even when SQLite failed, and the exit status is 1
if either failed. A stand-in for `uv` records each pytest run instead of timing anything."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def executable(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not on PATH (the test image has no {name})")
    return path


FAKE_UV = """\
import json, os, pathlib, sys
args = sys.argv[1:]
if args[:3] == ["run", "--frozen", "python"]:
    print("Fake-Machine-64bit")  # the machine id scripts/benchmark.sh asks pytest-benchmark for
    sys.exit(0)
database = "postgres" if os.environ.get("DATABASE_URL") else "sqlite"
with open(os.environ["FAKE_UV_LOG"], "a") as log:
    log.write(json.dumps([database, os.environ.get("DATABASE_URL"), args[2:]]) + "\\n")
for arg in args:
    if arg.startswith("--benchmark-save="):
        storage = next(a for a in args if a.startswith("--benchmark-storage="))
        folder = pathlib.Path(storage.split("file://", 1)[1]) / "Fake-Machine-64bit"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"0001_{arg.split('=', 1)[1]}.json").write_text("{}")
sys.exit(1 if database in os.environ.get("FAKE_UV_FAIL", "") else 0)
"""
PYTEST = ["pytest", "tests/benchmarks", "-m", "benchmark", "-p", "no:xdist", "-p", "no:randomly"]
PYTEST += ["-k", "not create_and_drop"]
POSTGRES = "postgresql+asyncpg://bench@127.0.0.1:5432/bench"


class Bench:
    def __init__(self, tmp_path: Path) -> None:
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        uv = bin_dir / "uv"
        uv.write_text(f"#!{sys.executable}\n{FAKE_UV}")
        uv.chmod(0o755)
        self.path = f"{bin_dir}{os.pathsep}{os.environ['PATH']}"
        self.storage = tmp_path / "baseline"
        self.storage_flag = f"--benchmark-storage=file://{self.storage}"
        self.log = tmp_path / "calls.jsonl"

    def run(self, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own script
            [executable("bash"), "scripts/benchmark.sh"],
            cwd=ROOT,
            env={
                **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
                "PATH": self.path,
                "BENCH_STORAGE": str(self.storage),
                "POSTGRES_URL": POSTGRES,
                "FAKE_UV_LOG": str(self.log),
                "PYTEST_ARGS": "",
                **env,
            },
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )

    def calls(self) -> list[list[Any]]:
        """Each pytest run: the database, DATABASE_URL, and pytest's arguments."""
        return [json.loads(line) for line in self.log.read_text().splitlines()]

    def first_run_line(self, database: str) -> list[str]:
        return [
            f"benchmark: no {database} baseline for this machine in "
            f"{self.storage}/Fake-Machine-64bit yet: saving this run as the baseline, nothing to"
            " compare with; the next make benchmark compares with it"
        ]


class TestBenchmarkGate:
    """scripts/benchmark.sh (make benchmark), with a stand-in for `uv` that records each run."""

    @pytest.fixture
    def bench(self, tmp_path: Path) -> Bench:
        return Bench(tmp_path)

    def test_the_first_run_saves_a_baseline_per_database_and_says_so(self, bench: Bench) -> None:
        completed = bench.run()

        assert (completed.returncode, completed.stderr) == (0, "")
        assert completed.stdout.splitlines() == [
            *bench.first_run_line("sqlite"),
            *bench.first_run_line("postgres"),
            "benchmark: sqlite: saved as the first baseline, ok",
            "benchmark: postgres: saved as the first baseline, ok",
        ]
        assert bench.calls() == [
            ["sqlite", None, [*PYTEST, bench.storage_flag, "--benchmark-save=sqlite"]],
            ["postgres", POSTGRES, [*PYTEST, bench.storage_flag, "--benchmark-save=postgres"]],
        ]

    def test_later_runs_compare_with_the_saved_baseline(self, bench: Bench) -> None:
        bench.run()

        completed = bench.run(PYTEST_ARGS="-k 'jwt or isbn'")

        compare = ["--benchmark-compare=*_{}", "--benchmark-compare-fail=min:40%"]
        assert (completed.returncode, completed.stderr) == (0, "")
        assert completed.stdout.splitlines()[-2:] == [
            "benchmark: sqlite: compared, ok",
            "benchmark: postgres: compared, ok",
        ]
        assert bench.calls()[2:] == [
            [
                db,
                url,
                [
                    *PYTEST,
                    bench.storage_flag,
                    *(f.format(db) for f in compare),
                    "-k",
                    "jwt or isbn",
                ],
            ]
            for db, url in (("sqlite", None), ("postgres", POSTGRES))
        ]

    def test_a_regression_on_sqlite_is_confirmed_and_postgresql_still_runs(
        self, bench: Bench
    ) -> None:
        bench.run()

        completed = bench.run(FAKE_UV_FAIL="sqlite")

        assert completed.returncode == 1
        assert [call[0] for call in bench.calls()[2:]] == ["sqlite", "sqlite", "postgres"]
        assert completed.stdout.splitlines()[-2:] == [
            "benchmark: sqlite: compared, FAILED (pytest exit 1)",
            "benchmark: postgres: compared, ok",
        ]
        assert "benchmark: sqlite failed once; running again to confirm" in completed.stdout

    def test_a_failure_on_postgresql_alone_fails_the_target(self, bench: Bench) -> None:
        completed = bench.run(FAKE_UV_FAIL="postgres")

        assert completed.returncode == 1
        assert completed.stdout.splitlines()[-2:] == [
            "benchmark: sqlite: saved as the first baseline, ok",
            "benchmark: postgres: saved as the first baseline, FAILED (pytest exit 1)",
        ]
