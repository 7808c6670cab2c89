"""The pull-request mutation gate: mutate the functions a change touches (`make mutation-diff`).

`python scripts/mutation_diff.py BASE`: the lines of `app/` that differ between the merge base of
BASE and HEAD and the working tree; each top-level function or method holding one becomes a
mutmut name glob (`app.books.isbn.x_normalize_isbn__mutmut_*`); `scripts/mutation_run.py` runs
them against the whole suite, SQLite then PostgreSQL; any survivor not listed in
docs/mutation-equivalents.toml fails it (docs/mutation.md). Run under mutmut's environment
(`uv run --group nightly`).
"""

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import ci_mutation_score
import mutation_run

SOURCE = "app"
HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(?P<start>\d+)(?:,(?P<count>\d+))? @@")
# mutmut's mangled names: `x_{function}` and `xǁ{class}ǁ{method}` (trampoline_templates.py).
CLASS_SEPARATOR = "\u01c1"


def git(*args: str) -> str:
    return subprocess.run(  # noqa: S603 - git with our own arguments
        ["git", *args],  # noqa: S607 - git from PATH, as developers run it
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def changed_lines(base: str) -> dict[Path, set[int]]:
    """Line numbers, in the working tree, of every line added or changed since the merge base;
    a pure deletion marks the line after it."""
    merge_base = git("merge-base", base, "HEAD").strip()
    diff = git("diff", "--unified=0", "--no-color", merge_base, "--", f"{SOURCE}/*.py")
    lines: dict[Path, set[int]] = {}
    current: set[int] | None = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            target = line[4:]
            current = None if target == "/dev/null" else lines.setdefault(Path(target[2:]), set())
        elif (hunk := HUNK.match(line)) and current is not None:
            start, count = int(hunk["start"]), int(hunk["count"] or 1)
            current.update(range(start, start + count) if count else {start, start + 1})
    return lines


def module_name(path: Path) -> str:
    parts = path.with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def mutated_units(tree: ast.Module) -> Iterator[tuple[str, int, int]]:
    """(mangled name, first line, last line) of each function mutmut mutates: top-level
    functions and the methods of top-level classes, decorators included."""
    functions = (ast.FunctionDef, ast.AsyncFunctionDef)
    for node in tree.body:
        if isinstance(node, functions):
            yield f"x_{node.name}", first_line(node), last_line(node)
        elif isinstance(node, ast.ClassDef):
            for method in node.body:
                if isinstance(method, functions):
                    name = f"x{CLASS_SEPARATOR}{node.name}{CLASS_SEPARATOR}{method.name}"
                    yield name, first_line(method), last_line(method)


def first_line(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    return min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])


def last_line(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    return node.end_lineno or node.lineno


def touched_globs(changes: dict[Path, set[int]]) -> list[str]:
    globs = []
    for path, lines in sorted(changes.items()):
        tree = ast.parse(path.read_text(), filename=str(path))
        for name, first, last in mutated_units(tree):
            if any(first <= line <= last for line in lines):
                globs.append(f"{module_name(path)}.{name}__mutmut_*")
    return globs


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: mutation_diff.py BASE (a branch or commit, e.g. origin/main)")
        return 2
    globs = touched_globs(changed_lines(argv[0]))
    if not globs:
        print(f"mutation gate: no function of {SOURCE}/ changed since {argv[0]}")
        return 0
    print("mutation gate: changed functions", *globs, sep="\n  ")
    mutation_run.main([run_glob(glob) for glob in globs])
    return ci_mutation_score.gate(globs)


def run_glob(glob: str) -> str:
    """The glob to hand `mutmut run`: mutmut picks the clean run's tests by matching it against
    function names (`app.books.isbn.x_normalise_isbn`), which `...__mutmut_*` never matches, and
    then runs the whole suite. `...x_normalise_isbn*` matches both; the mutants of a function
    whose name merely starts the same are run too, but the gate judges only the exact globs."""
    return glob.removesuffix("__mutmut_*") + "*"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
