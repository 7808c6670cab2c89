"""The production layer's coverage report and gate (`make coverage-production`, issue 21).

Reads the coverage data the production layer alone left (tests/production on SQLite, then on
PostgreSQL with --cov-append; COVERAGE_FILE names it), lists the lines of app/ it reached, file
by file, and fails when a line of the wiring modules was not reached: app/core/db.py,
app/core/reads.py, app/main.py and every app/*/dependencies.py. Lines, not branches: the gate
asks that every line production runs is run by this layer. A line that only tests run (a test
hook) says so in a comment that .coveragerc excludes (`# tests only`).
"""

import sys
from pathlib import Path

import coverage

ROOT = Path(__file__).resolve().parents[1]
WIRING = ("app/core/db.py", "app/core/reads.py", "app/main.py", "app/*/dependencies.py")


def wiring_modules() -> list[Path]:
    return sorted(path for pattern in WIRING for path in ROOT.glob(pattern))


def main() -> int:
    measured = coverage.Coverage(config_file=str(ROOT / ".coveragerc"))
    measured.load()
    reached_total = statements_total = 0
    print(f"{'file':<40} {'reached':>8} {'lines':>6}")
    for path in sorted((ROOT / "app").rglob("*.py")):
        _, statements, _, missing, _ = measured.analysis2(str(path))
        reached = len(statements) - len(missing)
        reached_total += reached
        statements_total += len(statements)
        if reached:
            print(f"{path.relative_to(ROOT)!s:<40} {reached:>8} {len(statements):>6}")
    share = 100 * reached_total / statements_total
    print(
        f"app/: the production layer reaches {reached_total} of {statements_total} lines "
        f"({share:.1f} %)"
    )

    unreached = {}
    gated = missed = 0
    modules = wiring_modules()
    for path in modules:
        _, statements, _, missing, formatted = measured.analysis2(str(path))
        gated += len(statements)
        missed += len(missing)
        if missing:
            unreached[path.relative_to(ROOT)] = formatted
    print(f"wiring modules ({len(modules)} files): {gated - missed} of {gated} lines reached")
    for path, lines in unreached.items():
        print(f"NOT REACHED by the production layer: {path}: {lines}")
    return 1 if unreached else 0


if __name__ == "__main__":
    sys.exit(main())
