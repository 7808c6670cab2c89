"""The mutants of functions that run only while `app/` is imported, judged in a fresh process.

mutmut imports `app/` once, then forks a worker per mutant and switches the mutant on: a function
called only at import time (`error_responses(...)` in a route decorator, a pydantic field's
`omitted_not_null()`) has already run by then, unmutated, so every one of its mutants "survives"
whatever the tests say. And mutmut's stats credit such a call to whichever test ran first, not to
the tests that check what it built.

`docs/mutation-import-time.toml` lists each such function with the tests that check its product
(the OpenAPI snapshot, the upload limits...) and why. `judge(unnoticed)` runs those tests, in
`mutants/`, in a new interpreter per mutant with `MUTANT_UNDER_TEST` set before the import, as
mutmut's trampolines read it; a failing run kills the mutant in mutmut's verdicts. Called by
`scripts/mutation_run.py` between the SQLite and PostgreSQL passes (docs/mutation.md).
"""

import os
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ci_mutation_score import MUTANTS, set_exit_codes

LIST = Path("docs/mutation-import-time.toml")
KILLED = 1
# pytest's exit codes: 0 every test passed, 1 some failed; anything else is not a verdict.
PYTEST_VERDICTS = {0: "survived", 1: "killed"}
TIMEOUT_S = 600


@dataclass(frozen=True)
class ImportTimeFunction:
    function: str
    tests: list[str]
    reason: str

    def owns(self, mutant: str) -> bool:
        """`app.core.errors.x_error_responses` owns `...x_error_responses__mutmut_3`."""
        return mutant.rpartition("__mutmut_")[0] == self.function


def load(path: Path = LIST) -> list[ImportTimeFunction]:
    entries = tomllib.loads(path.read_text()).get("function", [])
    return [ImportTimeFunction(**entry) for entry in entries]


def run_fresh(mutant: str, tests: list[str], env: dict[str, str]) -> int:
    """The tests in a new interpreter, in `mutants/`, with the mutant on from the first import."""
    env = {**env, "MUTANT_UNDER_TEST": mutant}
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:randomly", *tests]
    try:
        done = subprocess.run(  # noqa: S603 - our interpreter, pytest on our tests
            command, cwd=MUTANTS, env=env, capture_output=True, timeout=TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        return KILLED  # mutmut counts a run far past its time as noticed too
    return done.returncode


def judge(
    unnoticed: list[str],
    env: dict[str, str],
    functions: list[ImportTimeFunction] | None = None,
) -> set[str]:
    """Reruns the unnoticed mutants of the listed functions under `env` (the SQLite pass's);
    returns, and records as killed, those the tests notice."""
    listed = load() if functions is None else functions
    killed: set[str] = set()
    for mutant in sorted(unnoticed):
        owner = next((function for function in listed if function.owns(mutant)), None)
        if owner is None:
            continue
        code = run_fresh(mutant, owner.tests, env)
        verdict = PYTEST_VERDICTS.get(code, f"pytest exit code {code}: no verdict")
        print(f"import time: {mutant}: {verdict}", flush=True)
        if code == KILLED:
            killed.add(mutant)
    set_exit_codes(dict.fromkeys(killed, KILLED))
    return killed


if __name__ == "__main__":
    judge(sys.argv[1:], dict(os.environ))
