"""mutmut's verdicts as a per-package report, and the gate on survivors (docs/mutation.md).

`shard OUT [GLOB...]`: the verdicts of the mutants matching the globs (all of `app/` without
one), read from `mutants/**/*.py.meta`, and the diff of every survivor, to the JSON file OUT. A
nightly shard writes one; run under mutmut's environment (`uv run --group nightly`).
`report SHARD.json...`: one table of scores per package (`auth`, `books`, ...; `app` for the
top-level modules) and every survivor with its diff, to `reports/mutation.md` and, on GitHub
Actions, `$GITHUB_STEP_SUMMARY`; exit 1 when a package scores under the target or a survivor is
not in the reviewed equivalents list.
`gate [GLOB...]`: exit 1 when a mutant matching the globs survived and is not a listed
equivalent (`make mutation-diff`).

A survivor is a mutant that ran and was not noticed ("survived") or that no test reaches ("no
tests"). The score is (killed + timeout) / (checked - equivalent), `checked` being every mutant
with a verdict except the skipped ones; mutants never run are "not checked", not survivors.
"""

import argparse
import fnmatch
import json
import os
import sys
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

MUTANTS = Path("mutants")
REPORT = Path("reports/mutation.md")
EQUIVALENTS = Path("docs/mutation-equivalents.toml")
TARGET = 90.0
# mutmut's exit codes (mutmut.stats.status_by_exit_code); any other code is "suspicious".
STATUS_BY_EXIT_CODE: dict[int | None, str] = {
    None: "not checked",
    0: "survived",
    1: "killed",
    3: "killed",
    2: "interrupted",
    5: "no tests",
    33: "no tests",
    34: "skipped",
    35: "suspicious",
    36: "timeout",
    37: "caught by type check",
    24: "timeout",
    -24: "timeout",
    152: "timeout",
    255: "timeout",
    -11: "segfault",
    -9: "segfault",
}
NOTICED = frozenset({"killed", "timeout", "caught by type check"})
SURVIVED = frozenset({"survived", "no tests"})
UNSCORED = frozenset({"not checked", "skipped"})
COLUMNS = ("killed", "timeout", "survived", "no tests", "equivalent", "other", "not checked")


@dataclass(frozen=True)
class Equivalent:
    mutant: str
    mutated: str
    reason: str


def package_of(mutant: str) -> str:
    """`app.books.isbn.x_f__mutmut_1` -> `books`; a top-level module (`app.main`) -> `app`."""
    parts = mutant.rpartition(".")[0].split(".")
    return parts[1] if len(parts) > 2 else parts[0]


def matches(mutant: str, globs: Iterable[str]) -> bool:
    patterns = list(globs)
    return not patterns or any(fnmatch.fnmatchcase(mutant, pattern) for pattern in patterns)


def verdicts(globs: Iterable[str]) -> dict[str, str]:
    """Every mutant matching the globs and its status, from mutmut's `.meta` files."""
    patterns = list(globs)
    found: dict[str, str] = {}
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        codes: dict[str, int | None] = json.loads(meta.read_text())["exit_code_by_key"]
        for mutant, code in codes.items():
            if matches(mutant, patterns):
                found[mutant] = STATUS_BY_EXIT_CODE.get(code, "suspicious")
    return found


def set_exit_codes(codes: dict[str, int]) -> None:
    """Writes mutants' exit codes into mutmut's `.meta` files, as mutmut records a verdict."""
    for meta in MUTANTS.rglob("*.py.meta"):
        data = json.loads(meta.read_text())
        recorded: dict[str, int | None] = data["exit_code_by_key"]
        found = codes.keys() & recorded.keys()
        if found:
            recorded.update({mutant: codes[mutant] for mutant in found})
            meta.write_text(json.dumps(data, indent=4))


def mutant_diff(mutant: str) -> str:
    from mutmut.mutation.diff_apply import get_diff_for_mutant  # the nightly group only

    return str(get_diff_for_mutant(mutant))


def mutated_text(diff: str) -> str:
    """What a mutant changes: the `+` lines of its diff, stripped, one per line; for a mutant
    that only removes, each removed line as `removed: <line>`, so no blank entry excuses it."""
    lines = diff.splitlines()
    added = [line[1:].strip() for line in lines if line.startswith("+") and line[:3] != "+++"]
    if added:
        return "\n".join(added)
    removed = [line[1:].strip() for line in lines if line.startswith("-") and line[:3] != "---"]
    return "\n".join(f"removed: {line}" for line in removed)


def load_equivalents(path: Path = EQUIVALENTS) -> dict[str, Equivalent]:
    if not path.exists():
        return {}
    entries = tomllib.loads(path.read_text()).get("equivalent", [])
    return {entry["mutant"]: Equivalent(**entry) for entry in entries}


def is_equivalent(mutant: str, diff: str, equivalents: dict[str, Equivalent]) -> bool:
    """Listed, and still the same change: a renumbered mutant is not excused by an old entry."""
    entry = equivalents.get(mutant)
    return entry is not None and entry.mutated.strip() == mutated_text(diff)


def write_shard(out: Path, globs: list[str]) -> int:
    found = verdicts(globs)
    diffs = survivor_diffs(found)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"mutants": found, "diffs": diffs}, indent=1, sort_keys=True))
    print(f"{out}: {len(found)} mutants, {len(diffs)} survivors")
    return 0


def merge(shards: Iterable[Path]) -> tuple[dict[str, str], dict[str, str]]:
    """One verdict per mutant: noticed in any shard (SQLite or PostgreSQL pass) wins."""
    statuses: dict[str, str] = {}
    diffs: dict[str, str] = {}
    for shard in shards:
        data = json.loads(shard.read_text())
        for mutant, status in data["mutants"].items():
            if statuses.get(mutant) not in NOTICED:
                statuses[mutant] = status
        diffs.update(data["diffs"])
    return statuses, diffs


def tally(statuses: dict[str, str], equivalent: set[str]) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for mutant, status in sorted(statuses.items()):
        row = table.setdefault(package_of(mutant), dict.fromkeys(COLUMNS, 0))
        column = "equivalent" if mutant in equivalent else status
        row[column if column in row else "other"] += 1
    return table


def score(row: dict[str, int]) -> float | None:
    checked = sum(row[column] for column in COLUMNS if column not in ("not checked", "equivalent"))
    return None if checked == 0 else 100 * (row["killed"] + row["timeout"]) / checked


def render(table: dict[str, dict[str, int]], survivors: dict[str, str], timeouts: list[str]) -> str:
    lines = [
        f"## Mutation score per package (target {TARGET:.0f} %)",
        "",
        "| package | score | " + " | ".join(COLUMNS) + " |",
        "| --- | ---: | " + " | ".join("---:" for _ in COLUMNS) + " |",
    ]
    for package, row in table.items():
        value = score(row)
        shown = "n/a" if value is None else f"{value:.1f} %"
        lines.append(f"| {package} | {shown} | " + " | ".join(str(row[c]) for c in COLUMNS) + " |")
    lines += ["", f"## Survivors not in {EQUIVALENTS} ({len(survivors)})", ""]
    for mutant, diff in survivors.items():
        lines += [f"### {mutant}", "", "```diff", diff.rstrip(), "```", ""]
    # A timeout counts as killed, but a loaded runner also cuts off slow survivors: each is named
    # so that a reviewer can rerun the unlikely ones (`mutmut run NAME`, docs/mutation.md).
    lines += [f"## Timeouts, counted as killed ({len(timeouts)})", ""]
    lines += [f"- {mutant}" for mutant in timeouts]
    return "\n".join(lines) + "\n"


def untriaged(statuses: dict[str, str], diffs: dict[str, str]) -> tuple[dict[str, str], set[str]]:
    equivalents = load_equivalents()
    equivalent: set[str] = set()
    survivors: dict[str, str] = {}
    for mutant, status in sorted(statuses.items()):
        if status not in SURVIVED:
            continue
        diff = diffs.get(mutant, "")
        if is_equivalent(mutant, diff, equivalents):
            equivalent.add(mutant)
        else:
            survivors[mutant] = diff
    return survivors, equivalent


def write_report(shards: list[Path]) -> int:
    statuses, diffs = merge(shards)
    survivors, equivalent = untriaged(statuses, diffs)
    table = tally(statuses, equivalent)
    timeouts = sorted(mutant for mutant, status in statuses.items() if status == "timeout")
    text = render(table, survivors, timeouts)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with Path(summary).open("a") as handle:
            handle.write(text)
    print(text)
    below = [p for p, row in table.items() if (s := score(row)) is not None and s < TARGET]
    if below or survivors:
        print(f"packages under {TARGET:.0f} %: {below}; untriaged survivors: {len(survivors)}")
        return 1
    return 0


def survivor_diffs(statuses: dict[str, str]) -> dict[str, str]:
    return {
        mutant: mutant_diff(mutant) for mutant, status in statuses.items() if status in SURVIVED
    }


def gate(globs: list[str]) -> int:
    statuses = verdicts(globs)
    diffs = survivor_diffs(statuses)
    survivors, equivalent = untriaged(statuses, diffs)
    noticed = sum(status in NOTICED for status in statuses.values())
    print(
        f"mutation gate: {len(statuses)} mutants in changed functions, {noticed} killed,"
        f" {len(equivalent)} listed equivalent, {len(survivors)} surviving"
    )
    for mutant, diff in survivors.items():
        print(f"\n# {mutant}: survived\n{diff.rstrip()}")
    if survivors:
        print(f"\nKill each with a sharper test, or list it in {EQUIVALENTS} (docs/mutation.md).")
        return 1
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    shard = commands.add_parser("shard")
    shard.add_argument("out", type=Path)
    shard.add_argument("globs", nargs="*")
    report = commands.add_parser("report")
    report.add_argument("shards", nargs="+", type=Path)
    gated = commands.add_parser("gate")
    gated.add_argument("globs", nargs="*")
    args = parser.parse_args(argv)
    if args.command == "shard":
        return write_shard(args.out, args.globs)
    if args.command == "report":
        return write_report(args.shards)
    return gate(args.globs)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
