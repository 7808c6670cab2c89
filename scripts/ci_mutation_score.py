"""Turns mutmut's CI/CD stats into a Markdown score table (`make mutation`, nightly workflow).

Reads `mutants/mutmut-cicd-stats.json` (written by `mutmut export-cicd-stats`), writes the table
to `reports/mutation.md` and, on GitHub Actions, appends it to `$GITHUB_STEP_SUMMARY`.
The score is (killed + timeout) / checked, as in mutmut's badge, except that `total` also counts
mutants a partial run (`make mutation MUTANTS="app.books.isbn*"`) never ran: those are reported
as "not checked" instead of being scored as survivors.
"""

import json
import os
import sys
from pathlib import Path

STATS = Path("mutants/mutmut-cicd-stats.json")
REPORT = Path("reports/mutation.md")
VERDICTS = ("killed", "survived", "timeout", "suspicious", "no_tests", "segfault")
ROWS = (*VERDICTS, "skipped", "not_checked", "total")


def with_not_checked(stats: dict[str, int]) -> dict[str, int]:
    checked = sum(stats[verdict] for verdict in VERDICTS)
    return {**stats, "not_checked": stats["total"] - stats["skipped"] - checked}


def score(stats: dict[str, int]) -> float:
    checked = sum(stats[verdict] for verdict in VERDICTS)
    return 0.0 if checked == 0 else 100 * (stats["killed"] + stats["timeout"]) / checked


def render(stats: dict[str, int]) -> str:
    lines = [
        f"## Mutation score: {score(stats):.1f} %",
        "",
        "| mutants | count |",
        "| --- | ---: |",
        *(f"| {row} | {stats[row]} |" for row in ROWS),
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    if not STATS.exists():
        print(f"{STATS} is missing: run `mutmut run` and `mutmut export-cicd-stats` first")
        return 1
    raw = json.loads(STATS.read_text())
    stats = with_not_checked({key: int(value) for key, value in raw.items()})
    table = render(stats)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(table)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with Path(summary).open("a") as handle:
            handle.write(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
