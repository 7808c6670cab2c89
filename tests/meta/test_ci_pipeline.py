"""The CI workflows keep their promises (issue 8, docs/ci.md).

The stage graph is what branch protection relies on: each stage waits for the one before, and the
one required job (`ci-ok`) waits for all of them. Every step that runs a command runs a `make`
target that exists, so nothing in the YAML is impossible to run locally. Coverage is pytest-cov's
in `.ci/run`, `make coverage-ci` and the README alike, gated over both databases (issue 17).
"""

import configparser
import fnmatch
import re
from pathlib import Path
from typing import Any

import pytest

# No PyYAML stubs are locked (types-PyYAML); the loaded data is typed as Any below anyway.
import yaml  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
WORKFLOW_NAMES = ("ci.yml", "nightly.yml")
STAGES = (
    "quality",
    "unit",
    "integration",
    "mutation-diff",
    "property-contract",
    "load-smoke",
    "docker",
)
MAKE_STEP = re.compile(r"make (?P<target>[a-z][a-z0-9-]*)")
MAKE_RULE = re.compile(r"^(?P<names>[A-Za-z0-9][\w.-]*(?: +[A-Za-z0-9][\w.-]*)*) *:(?![:=])")
# A release tag with all three numbers, or a full commit SHA: never a moving `@v4` or `@main`.
PINNED_ACTION = re.compile(r"[\w.-]+/[\w.-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})")
# `step "name" command...` in .ci/run, continuation lines joined.
CI_RUN_STEP = re.compile(r'^step "(?P<name>[^"]+)" (?P<command>.+)$', re.MULTILINE)


def load_yaml(path: Path) -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load(path.read_text())
    return data


def workflow(name: str) -> dict[Any, Any]:
    data = load_yaml(WORKFLOWS / name)
    # PyYAML reads YAML 1.1, where the bare key `on` is the boolean True.
    data["on"] = data.pop(True)
    return data


def all_steps(names: tuple[str, ...] = WORKFLOW_NAMES) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (name, job_name, step)
        for name in names
        for job_name, job in workflow(name)["jobs"].items()
        for step in job["steps"]
    ]


def make_targets() -> set[str]:
    """Targets defined in the Makefile: `name [name...]:` at the start of a line (not `:=`).

    Read from the text rather than `make -qp`, so the check also runs in the test image, which
    has no make.
    """
    targets: set[str] = set()
    for line in (ROOT / "Makefile").read_text().splitlines():
        if match := MAKE_RULE.match(line):
            targets.update(match["names"].split())
    return targets


class TestCiStageGraph:
    def test_each_stage_needs_the_one_before_and_the_aggregate_needs_all(self) -> None:
        jobs = workflow("ci.yml")["jobs"]

        assert {name: job.get("needs", []) for name, job in jobs.items()} == {
            "quality": [],
            "unit": ["quality"],
            "integration": ["unit"],
            "mutation-diff": ["integration"],
            "property-contract": ["integration"],
            "load-smoke": ["property-contract"],
            "docker": ["load-smoke"],
            "ci-ok": list(STAGES),
        }

    def test_aggregate_job_always_runs_and_judges_every_result(self) -> None:
        aggregate = workflow("ci.yml")["jobs"]["ci-ok"]

        assert aggregate["if"] == "always()"
        assert aggregate["steps"][-1] == {
            "run": "make ci-gate",
            "env": {"NEEDS_RESULTS": "${{ join(needs.*.result, ' ') }}"},
        }

    def test_runs_on_pull_requests_and_pushes_to_main(self) -> None:
        assert workflow("ci.yml")["on"] == {"pull_request": None, "push": {"branches": ["main"]}}

    def test_superseded_runs_on_the_same_ref_are_cancelled(self) -> None:
        assert workflow("ci.yml")["concurrency"] == {
            "group": "ci-${{ github.workflow }}-${{ github.ref }}",
            "cancel-in-progress": True,
        }

    def test_unit_stage_covers_three_pythons_without_services(self) -> None:
        unit = workflow("ci.yml")["jobs"]["unit"]

        assert unit["strategy"]["matrix"] == {"python-version": ["3.11", "3.12", "3.13"]}
        assert "services" not in unit

    def test_integration_stage_has_healthy_postgres_16_and_redis_7(self) -> None:
        services = workflow("ci.yml")["jobs"]["integration"]["services"]

        assert {name: service["image"] for name, service in services.items()} == {
            "postgres": "postgres:16",
            "redis": "redis:7",
        }
        assert [name for name, s in services.items() if "--health-cmd" not in s["options"]] == []


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
class TestEveryWorkflow:
    def test_token_is_read_only_and_no_job_widens_it(self, name: str) -> None:
        data = workflow(name)

        assert data["permissions"] == {"contents": "read"}
        assert [job for job, spec in data["jobs"].items() if "permissions" in spec] == []

    def test_every_job_has_a_timeout(self, name: str) -> None:
        jobs = workflow(name)["jobs"]

        timeouts = {job: spec.get("timeout-minutes") for job, spec in jobs.items()}
        assert [job for job, minutes in timeouts.items() if not isinstance(minutes, int)] == []

    def test_uv_cache_is_keyed_on_the_lock_file(self, name: str) -> None:
        setups = [
            step["with"]
            for _, _, step in all_steps((name,))
            if step.get("uses", "").startswith("astral-sh/setup-uv@")
        ]

        assert setups != []
        assert [s for s in setups if s.get("cache-dependency-glob") != "uv.lock"] == []


class TestNightly:
    def test_runs_on_a_schedule_and_by_hand(self) -> None:
        assert workflow("nightly.yml")["on"] == {
            "schedule": [{"cron": "17 3 * * *"}],
            "workflow_dispatch": None,
        }

    def test_runs_mutation_testing_and_the_audit(self) -> None:
        jobs = workflow("nightly.yml")["jobs"]

        runs = {name: [s["run"] for s in job["steps"] if "run" in s] for name, job in jobs.items()}
        assert runs == {
            "mutation": ["make mutation-shard"],
            "mutation-report": ["make mutation-report"],
            "audit": ["make audit"],
        }

    def test_mutation_shards_cover_every_module_of_app_once(self) -> None:
        shards = workflow("nightly.yml")["jobs"]["mutation"]["strategy"]["matrix"]["include"]
        globs = {shard["shard"]: shard["mutants"].split() for shard in shards}

        def claimed_by(module: str) -> list[str]:
            mutant = f"{module}.x_f__mutmut_1"  # the name mutmut gives a function's mutant
            return [
                n
                for n, patterns in globs.items()
                if any(fnmatch.fnmatchcase(mutant, p) for p in patterns)
            ]

        modules = [
            ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            for path in sorted((ROOT / "app").rglob("*.py"))
            if "def " in path.read_text()
        ]
        assert {"app.books.isbn", "app.main", "app.core.db"} <= set(modules)
        assert {
            module: claimed_by(module) for module in modules if len(claimed_by(module)) != 1
        } == {}

    def test_the_report_joins_every_shard_even_after_one_failed(self) -> None:
        report = workflow("nightly.yml")["jobs"]["mutation-report"]
        download = next(s for s in report["steps"] if "download-artifact" in s.get("uses", ""))

        assert (report["needs"], report["if"]) == (["mutation"], "always()")
        assert download["with"] == {
            "pattern": "mutation-shard-*",
            "merge-multiple": True,
            "path": "reports/mutation/",
        }


class TestMutationGate:
    def test_pull_requests_compare_with_their_base_and_pushes_with_the_previous_tip(self) -> None:
        gate = workflow("ci.yml")["jobs"]["mutation-diff"]

        assert gate["env"]["BASE"] == (
            "${{ github.event_name == 'pull_request' && format('origin/{0}', github.base_ref)"
            " || github.event.before }}"
        )
        assert gate["steps"][0]["with"] == {"fetch-depth": 0}
        assert [s["run"] for s in gate["steps"] if "run" in s] == ["make mutation-diff"]
        assert sorted(gate["services"]) == ["postgres", "redis"]


class TestStepsRunLocally:
    def test_every_run_step_is_a_single_make_target(self) -> None:
        runs = [(wf, job, step["run"]) for wf, job, step in all_steps() if "run" in step]

        assert runs != []
        assert [run for run in runs if not MAKE_STEP.fullmatch(run[2])] == []

    def test_every_make_target_the_workflows_run_exists(self) -> None:
        wanted = {
            match["target"]
            for _, _, step in all_steps()
            if "run" in step and (match := MAKE_STEP.fullmatch(step["run"]))
        }

        assert wanted - make_targets() == set()

    def test_target_lookup_sees_real_targets_only(self) -> None:
        # Guards the parser above: a typo must not pass as a target, and files are not targets.
        targets = make_targets()

        assert {"lint", "lint-ci", "ci-gate", "loadtest-smoke"} <= targets
        assert {"lint-cii", "POSTGRES_URL", "UV_RUN", "PHONY"} & targets == set()

    def test_every_action_is_pinned_to_a_release_or_commit(self) -> None:
        uses = sorted({step["uses"] for _, _, step in all_steps() if "uses" in step})

        assert [action for action in uses if not PINNED_ACTION.fullmatch(action)] == []


class TestComposeFile:
    def test_has_no_obsolete_version_key_and_the_expected_services(self) -> None:
        compose = load_yaml(ROOT / "docker-compose.test.yml")

        assert "version" not in compose
        assert sorted(compose["services"]) == ["api", "locust", "postgres", "redis", "tests"]

    def test_test_runner_waits_for_healthy_databases(self) -> None:
        services = load_yaml(ROOT / "docker-compose.test.yml")["services"]

        assert services["tests"]["depends_on"] == {
            "postgres": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }
        assert [name for name in ("postgres", "redis") if "healthcheck" not in services[name]] == []


def recipe(target: str) -> list[str]:
    """The commands of a Makefile rule, continuation lines joined and whitespace collapsed."""
    lines = (ROOT / "Makefile").read_text().replace("\\\n", " ").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{target}:"))
    commands = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        commands.append(" ".join(line.split()))
    return commands


def ci_run_steps() -> dict[str, str]:
    text = (ROOT / ".ci" / "run").read_text().replace("\\\n", " ")
    return {m["name"]: " ".join(m["command"].split()) for m in CI_RUN_STEP.finditer(text)}


class TestCoverageWithPytestCov:
    """pytest-cov measures (issue 17): the SQLite run, then the PostgreSQL run added to its data,
    then one gate over the union; never coverage's .pth hook started by COVERAGE_PROCESS_START."""

    def test_ci_run_gates_the_union_of_both_databases(self) -> None:
        steps = ci_run_steps()
        text = (ROOT / ".ci" / "run").read_text()
        names = ("tests on SQLite", "tests on PostgreSQL", "coverage >= 95%")

        assert "cov=(--cov=app --cov-branch --cov-report= --cov-fail-under=0)\n" in text
        assert {name: steps[name] for name in steps if name.startswith(names)} == {
            "tests on SQLite": 'uv run --frozen pytest -n auto "${cov[@]}"',
            "tests on PostgreSQL": 'env DATABASE_URL="${POSTGRES_URL}" uv run --frozen pytest'
            ' -n auto "${cov[@]}" --cov-append',
            "coverage >= 95% (line + branch, app/, both databases)": (
                "uv run --frozen coverage report"
            ),
        }

    def test_coverage_ci_appends_postgresql_to_sqlite_then_reports_and_gates(self) -> None:
        assert recipe("coverage-ci") == [
            "mkdir -p reports",
            "$(UV_RUN) pytest -n auto --cov=app --cov-branch --cov-report= --cov-fail-under=0"
            " --junitxml=reports/junit-sqlite.xml $(PYTEST_ARGS)",
            "DATABASE_URL=$(POSTGRES_URL) $(UV_RUN) pytest -n auto --cov=app --cov-branch"
            " --cov-append --cov-report= --cov-fail-under=0 --junitxml=reports/junit-postgres.xml"
            " $(PYTEST_ARGS)",
            "$(UV_RUN) coverage xml --fail-under=0 -o reports/coverage.xml",
            "$(UV_RUN) coverage html --fail-under=0 -d reports/htmlcov",
            "$(UV_RUN) coverage report",
        ]

    def test_make_coverage_is_the_readme_command(self) -> None:
        readme = (ROOT / "README.md").read_text()

        assert recipe("coverage") == [
            "$(UV_RUN) pytest -n auto --cov=app --cov-branch $(PYTEST_ARGS)"
        ]
        assert "uv run pytest -n auto --cov=app --cov-branch " in readme

    @pytest.mark.parametrize(
        "path", [".ci/run", "Makefile", *(f".github/workflows/{name}" for name in WORKFLOW_NAMES)]
    )
    def test_nothing_starts_coverage_through_its_pth_hook(self, path: str) -> None:
        assert "COVERAGE_PROCESS_START" not in (ROOT / path).read_text()

    def test_the_integration_stage_uploads_the_html_report_even_on_failure(self) -> None:
        steps = workflow("ci.yml")["jobs"]["integration"]["steps"]

        runs = [step["run"] for step in steps if "run" in step]
        uploads = {
            step["with"]["name"]: step
            for step in steps
            if step.get("uses", "").startswith("actions/upload-artifact@")
        }
        assert runs == ["make coverage-ci", "make coverage-production"]
        assert uploads["coverage-html"]["if"] == "always()"
        assert uploads["coverage-html"]["with"]["path"] == "reports/htmlcov/"
        assert uploads["test-reports"]["with"]["path"].split() == [
            "reports/",
            "!reports/htmlcov/**",  # in coverage-html
        ]

    def test_config_records_contexts_pytest_cov_accepts_and_measures_subprocesses(self) -> None:
        coveragerc = configparser.ConfigParser()
        coveragerc.read(ROOT / ".coveragerc")
        pytest_ini = configparser.ConfigParser()
        pytest_ini.read(ROOT / "pytest.ini")

        # pytest-cov raises DistCovError under xdist when dynamic_context is set.
        assert "dynamic_context" not in coveragerc["run"]
        assert coveragerc["run"]["patch"].split() == ["subprocess"]
        assert coveragerc.getboolean("html", "show_contexts")
        assert coveragerc.getint("report", "fail_under") == 95
        assert "--cov-context=test" in pytest_ini["pytest"]["addopts"].split()
