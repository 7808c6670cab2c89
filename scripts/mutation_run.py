"""mutmut over the mutants matching the globs, judged by the whole suite on both databases.

Pass 1 runs `mutmut run GLOB...` on SQLite. The mutants it did not notice in functions that
run only at import time are then judged in a fresh interpreter each
(`scripts/mutation_import_time.py`). Pass 2 reruns only the mutants still unnoticed on
PostgreSQL (`DATABASE_URL=$POSTGRES_URL`), so the PostgreSQL-only paths (the asyncpg read path,
row locks) are judged by the tests that reach them there. Each database keeps its own
mutmut stats (which tests reach which function), swapped in and out of `mutants/`. Run it under
mutmut's environment: `uv run --group nightly python scripts/mutation_run.py [GLOB...]`
(docs/mutation.md).
"""

import os
import subprocess
import sys
from pathlib import Path

import mutation_import_time
from ci_mutation_score import SURVIVED, set_exit_codes, verdicts

STATS = Path("mutants/mutmut-stats.json")
STATS_BY_DATABASE = {"sqlite": Path("mutants/mutmut-stats.sqlite.json")}
POSTGRES_STATS = Path("mutants/mutmut-stats.postgresql.json")
EXIT_CODE_BY_STATUS = {"survived": 0, "no tests": 33}


def mutmut_run(names: list[str], env: dict[str, str]) -> None:
    command = [sys.executable, "-m", "mutmut", "run", *names]
    print("$", " ".join(command), flush=True)
    subprocess.run(command, env=env, check=True)  # noqa: S603 - our interpreter, mutmut


def swap_stats(save_as: Path, load_from: Path) -> None:
    """Keep this database's stats beside the other's: mutmut reads only `mutmut-stats.json`."""
    if STATS.exists():
        STATS.replace(save_as)
    if load_from.exists():
        load_from.replace(STATS)


def keep_sqlite_verdicts(sqlite_verdicts: dict[str, str]) -> None:
    """A mutant neither database noticed keeps SQLite's verdict: "survived" there says more than
    "no tests" from PostgreSQL, which skips the SQLite-only paths."""
    now = verdicts([])
    set_exit_codes(
        {
            mutant: EXIT_CODE_BY_STATUS[status]
            for mutant, status in sqlite_verdicts.items()
            if now.get(mutant) in SURVIVED
        }
    )


def main(globs: list[str]) -> int:
    sqlite_env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    sqlite_env["HYPOTHESIS_PROFILE"] = "mutation"  # tests/support/hypothesis_profiles.py
    mutmut_run(globs, sqlite_env)
    unnoticed = {m: status for m, status in verdicts(globs).items() if status in SURVIVED}
    for mutant in mutation_import_time.judge(list(unnoticed), sqlite_env):
        del unnoticed[mutant]
    postgres_url = os.environ.get("POSTGRES_URL")
    if not unnoticed or not postgres_url:
        print(f"{len(unnoticed)} mutants unnoticed on SQLite; PostgreSQL pass skipped")
        return 0
    print(f"{len(unnoticed)} mutants unnoticed on SQLite: rerunning them on PostgreSQL")
    swap_stats(save_as=STATS_BY_DATABASE["sqlite"], load_from=POSTGRES_STATS)
    try:
        mutmut_run(sorted(unnoticed), {**sqlite_env, "DATABASE_URL": postgres_url})
        keep_sqlite_verdicts(unnoticed)
    finally:
        swap_stats(save_as=POSTGRES_STATS, load_from=STATS_BY_DATABASE["sqlite"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
