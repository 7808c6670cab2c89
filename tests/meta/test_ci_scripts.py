"""The two scripts the workflows call through make (docs/ci.md): the aggregate gate, and the
mutation score that lands in the nightly job summary."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GATE = ROOT / "scripts" / "ci_gate.sh"
SCORE = ROOT / "scripts" / "ci_mutation_score.py"


def run_gate(results: str) -> subprocess.CompletedProcess[str]:
    bash = shutil.which("bash")
    assert bash is not None, "bash is not on PATH"
    return subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [bash, str(GATE)],
        env={**os.environ, "NEEDS_RESULTS": results},
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )


class TestCiGate:
    def test_passes_when_every_stage_succeeded(self) -> None:
        completed = run_gate("success success success")

        assert completed.returncode == 0, completed.stderr
        assert completed.stdout == (
            "ci-gate: stage results: success success success\nci-gate: every stage succeeded\n"
        )

    @pytest.mark.parametrize(
        ("results", "message"),
        [
            pytest.param("success failure", "ci-gate: 1 stage(s) did not succeed\n", id="failed"),
            pytest.param(
                "success skipped cancelled", "ci-gate: 2 stage(s) did not succeed\n", id="skipped"
            ),
            pytest.param(
                "", "ci-gate: NEEDS_RESULTS is empty; no stage results to judge\n", id="nothing"
            ),
        ],
    )
    def test_fails_on_anything_but_success(self, results: str, message: str) -> None:
        completed = run_gate(results)

        assert completed.returncode == 1
        assert completed.stderr == message


def run_score(workdir: Path, summary: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(SCORE)],
        cwd=workdir,
        env={**os.environ, "GITHUB_STEP_SUMMARY": str(summary)},
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )


class TestMutationScore:
    def test_writes_the_table_to_the_report_and_the_job_summary(self, tmp_path: Path) -> None:
        (tmp_path / "mutants").mkdir()
        stats = {
            "killed": 30,
            "survived": 8,
            "total": 50,
            "no_tests": 1,
            "skipped": 2,
            "suspicious": 0,
            "timeout": 1,
            "check_was_interrupted_by_user": 0,
            "segfault": 0,
        }
        (tmp_path / "mutants" / "mutmut-cicd-stats.json").write_text(json.dumps(stats))
        summary = tmp_path / "summary.md"
        summary.write_text("earlier step\n")

        completed = run_score(tmp_path, summary)

        # (30 killed + 1 timeout) / 40 checked; 50 - 2 skipped - 40 checked were never run.
        table = (
            "## Mutation score: 77.5 %\n\n| mutants | count |\n| --- | ---: |\n"
            "| killed | 30 |\n| survived | 8 |\n| timeout | 1 |\n| suspicious | 0 |\n"
            "| no_tests | 1 |\n| segfault | 0 |\n| skipped | 2 |\n| not_checked | 8 |\n"
            "| total | 50 |\n"
        )
        assert completed.returncode == 0, completed.stderr
        assert (tmp_path / "reports" / "mutation.md").read_text() == table
        assert summary.read_text() == "earlier step\n" + table

    def test_fails_with_a_hint_when_mutmut_has_not_run(self, tmp_path: Path) -> None:
        completed = run_score(tmp_path, tmp_path / "summary.md")

        assert completed.returncode == 1
        assert completed.stdout == (
            "mutants/mutmut-cicd-stats.json is missing: "
            "run `mutmut run` and `mutmut export-cicd-stats` first\n"
        )
        assert not (tmp_path / "summary.md").exists()
