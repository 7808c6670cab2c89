"""`make audit`: runs pip-audit and says which kind of failure it was (issue 22; docs/ci.md).

pip-audit exits 1 both when it finds a vulnerability and when it cannot look a package up, and
under `--strict` a lookup that came back empty reads "<package>: Dependency not found on PyPI and
could not be audited", which blames the package. Behind a proxy that serves packages but not
PyPI's JSON API, every package gets that answer. This wrapper passes pip-audit's output through,
then adds one verdict line and an exit status of its own:

    0  no known vulnerabilities
    1  vulnerabilities found (pip-audit's table is above the verdict)
    2  the lookup failed (network, proxy or service): nothing was audited, nothing was found
    3  pip-audit failed for a reason this script does not recognise

Usage: python scripts/ci_audit.py -- <the pip-audit command and its arguments>
"""

import re
import subprocess
import sys
from dataclasses import dataclass

CLEAN, VULNERABLE, LOOKUP_FAILED, UNRECOGNISED = 0, 1, 2, 3

FOUND = re.compile(
    r"^Found (?P<vulns>\d+) known vulnerabilit(?:y|ies).* in (?P<pkgs>\d+) package", re.M
)
NOT_FOUND = re.compile(
    r"Dependency not found on PyPI and could not be audited: (?P<name>\S+) \((?P<version>[^)]+)\)"
)
# pip-audit's own words for a service it cannot reach, and what requests raises when pip-audit
# lets the exception through (DNS failure, refused connection, TLS interception, HTTP 5xx).
UNREACHABLE = re.compile(
    r"(?P<reason>Could not connect to \S+ vulnerability feed"
    r"|PyPI is not redirecting properly"
    r"|requests\.exceptions\.\w+: .*"
    r"|pip_audit\._service\.interface\.ServiceError.*)",
    re.M,
)


@dataclass(frozen=True, slots=True)
class Verdict:
    status: int
    message: str


def classify(returncode: int, output: str) -> Verdict:
    """The verdict on one pip-audit run, from its exit status and its stdout and stderr."""
    if returncode == 0:
        return Verdict(CLEAN, "audit: no known vulnerabilities in the locked dependencies")
    if found := FOUND.search(output):
        return Verdict(
            VULNERABLE,
            f"audit: VULNERABLE: {found['vulns']} known vulnerabilities in {found['pkgs']}"
            " package(s), listed above: upgrade them in uv.lock",
        )
    if missing := NOT_FOUND.search(output):
        name, version = missing["name"], missing["version"]
        return Verdict(
            LOOKUP_FAILED,
            f"audit: LOOKUP FAILED, not a vulnerability: the service had no record of {name}"
            f" {version}, which uv.lock installs from a package index, so the lookup is what"
            f" failed (https://pypi.org/pypi/{name}/{version}/json unreachable or filtered from"
            " here, e.g. a proxy that serves packages only). Nothing was audited.",
        )
    if unreachable := UNREACHABLE.search(output):
        return Verdict(
            LOOKUP_FAILED,
            "audit: LOOKUP FAILED, not a vulnerability: the vulnerability service could not be"
            f" reached ({unreachable['reason'].strip()[:200]}). Nothing was audited.",
        )
    return Verdict(
        UNRECOGNISED,
        f"audit: pip-audit failed (exit {returncode}) for a reason this script does not"
        " recognise: read its output above",
    )


def main(argv: list[str]) -> int:
    if argv[:1] != ["--"] or len(argv) < 2:
        print("usage: python scripts/ci_audit.py -- <pip-audit command>", file=sys.stderr)
        return UNRECOGNISED
    try:
        completed = subprocess.run(  # noqa: S603 - the command make passes, run as given
            argv[1:], capture_output=True, text=True, check=False
        )
    except OSError as exc:
        print(f"audit: could not start {argv[1]!r}: {exc}", file=sys.stderr)
        return UNRECOGNISED
    sys.stdout.write(completed.stdout)
    sys.stderr.write(completed.stderr)
    verdict = classify(completed.returncode, completed.stdout + "\n" + completed.stderr)
    print(verdict.message, file=sys.stderr if verdict.status else sys.stdout)
    return verdict.status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
