"""The scripts the workflows call through make (docs/ci.md): the aggregate gate and the audit's
verdict. The mutation scripts have their own (test_mutation_scripts.py)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GATE = ROOT / "scripts" / "ci_gate.sh"
AUDIT = ROOT / "scripts" / "ci_audit.py"


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


def run_audit(stdout: str, stderr: str, returncode: int) -> subprocess.CompletedProcess[str]:
    """scripts/ci_audit.py around a stand-in for pip-audit that prints what it is given."""
    fake = (
        "import sys; "
        f"sys.stdout.write({stdout!r}); sys.stderr.write({stderr!r}); sys.exit({returncode})"
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(AUDIT), "--", sys.executable, "-c", fake],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )


NO_DEPS_WARNING = (
    "WARNING:pip_audit._cli:--no-deps is supported, but users are encouraged to fully hash their"
    " pinned dependencies\n"
)
NOTHING_AUDITED = "Nothing was audited.\n"


class TestAuditVerdict:
    """pip-audit exits 1 for a finding and a failed lookup alike; the verdict tells them apart."""

    def test_a_clean_run_passes(self) -> None:
        completed = run_audit("", "No known vulnerabilities found\n", 0)

        assert completed.returncode == 0
        assert completed.stderr == "No known vulnerabilities found\n"
        assert completed.stdout == "audit: no known vulnerabilities in the locked dependencies\n"

    def test_a_vulnerable_package_is_a_finding(self) -> None:
        table = (
            "Name   Version ID                  Fix Versions\n"
            "------ ------- ------------------- ------------\n"
            "jinja2 3.1.2   GHSA-h5c8-rqwp-cp95 3.1.3\n\n"
        )

        completed = run_audit(table, "Found 2 known vulnerabilities in 1 package\n", 1)

        assert completed.returncode == 1
        assert completed.stdout == table
        assert completed.stderr == (
            "Found 2 known vulnerabilities in 1 package\n"
            "audit: VULNERABLE: 2 known vulnerabilities in 1 package(s), listed above:"
            " upgrade them in uv.lock\n"
        )

    def test_a_package_the_service_has_no_record_of_is_a_failed_lookup(self) -> None:
        # What `make audit` printed here: the proxy serves packages, not PyPI's JSON API.
        error = (
            "ERROR:pip_audit._cli:aiosmtpd: Dependency not found on PyPI and could not be audited:"
            " aiosmtpd (1.4.6)\n"
        )

        completed = run_audit("", NO_DEPS_WARNING + error, 1)

        assert completed.returncode == 2
        assert completed.stderr == NO_DEPS_WARNING + error + (
            "audit: LOOKUP FAILED, not a vulnerability: the service had no record of aiosmtpd"
            " 1.4.6, which uv.lock installs from a package index, so the lookup is what failed"
            " (https://pypi.org/pypi/aiosmtpd/1.4.6/json unreachable or filtered from here, e.g. a"
            " proxy that serves packages only). " + NOTHING_AUDITED
        )

    @pytest.mark.parametrize(
        ("stderr", "reason"),
        [
            pytest.param(
                "ERROR:pip_audit._cli:Could not connect to PyPI's vulnerability feed\n"
                "ERROR:pip_audit._cli:Tip: your network may be blocking this service.\n",
                "Could not connect to PyPI's vulnerability feed",
                id="connect_timeout",
            ),
            pytest.param(
                "Traceback (most recent call last):\n  ...\n"
                "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='pypi.org',"
                " port=443): Max retries exceeded\n",
                "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='pypi.org',"
                " port=443): Max retries exceeded",
                id="no_dns_or_refused",
            ),
            pytest.param(
                "Traceback (most recent call last):\n  ...\n"
                "pip_audit._service.interface.ServiceError\n",
                "pip_audit._service.interface.ServiceError",
                id="http_5xx",
            ),
        ],
    )
    def test_an_unreachable_service_is_a_failed_lookup(self, stderr: str, reason: str) -> None:
        completed = run_audit("", stderr, 1)

        assert completed.returncode == 2
        assert completed.stderr == stderr + (
            "audit: LOOKUP FAILED, not a vulnerability: the vulnerability service could not be"
            f" reached ({reason}). " + NOTHING_AUDITED
        )

    def test_anything_else_is_neither(self) -> None:
        stderr = "ERROR:pip_audit._cli:invalid requirements input: ???\n"

        completed = run_audit("", stderr, 1)

        assert completed.returncode == 3
        assert completed.stderr == stderr + (
            "audit: pip-audit failed (exit 1) for a reason this script does not recognise:"
            " read its output above\n"
        )
