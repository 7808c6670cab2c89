"""The docs cannot drift from the repository.

In README.md, CONTRIBUTING.md, docs/*.md and tests/fixtures/README.md:
- a fenced block that is not shell (or text, or a Mermaid diagram) is preceded by
  `<!-- snippet: path/from/the/repository/root -->` and its text is in that file, verbatim
  (`<!-- snippet: path, whole -->` when the block is a whole module a reader copies as it is:
  tests/meta/test_docs_run.py holds it to that);
- every relative link points at a file or folder that exists;
- every `make X` is a Makefile target;
- every `path.py::test_name` names a function defined in that file.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FREE_LANGUAGES = frozenset({"bash", "sh", "console", "text", "mermaid"})
SNIPPET = re.compile(r"^<!-- snippet: (?P<path>[^\s,]+)(?P<whole>, whole)? -->$")
FENCE = re.compile(r"^```(?P<language>[\w-]*)\s*$")
LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")
MAKE_IN_PROSE = re.compile(r"`make (?P<target>[\w-]+)")
MAKE_IN_SHELL = re.compile(r"^\s*(?:\$ )?make (?P<target>[\w-]+)")
MAKE_TARGET = re.compile(r"^(?P<target>[\w-]+):", re.MULTILINE)
TEST_REFERENCE = re.compile(r"(?P<path>[\w/.-]+\.py)::(?P<name>\w+)")


def documents() -> list[Path]:
    pages = [
        ROOT / "README.md",
        ROOT / "CONTRIBUTING.md",
        ROOT / "tests" / "fixtures" / "README.md",
    ]
    return [page for page in pages if page.exists()] + sorted((ROOT / "docs").glob("*.md"))


DOCUMENTS = documents()
IDS = [str(page.relative_to(ROOT)) for page in DOCUMENTS]


@dataclass(frozen=True)
class Block:
    language: str
    first_line: int  # 1-based number of the opening fence
    text: str
    label: str  # the line above the opening fence


def fenced_blocks(markdown: str) -> list[Block]:
    lines = markdown.splitlines()
    blocks: list[Block] = []
    opening: int | None = None
    language = ""
    for number, line in enumerate(lines):
        match = FENCE.match(line)
        if match is None:
            continue
        if opening is None:
            opening, language = number, match["language"]
            continue
        if line.strip() == "```":
            label = lines[opening - 1].strip() if opening > 0 else ""
            text = "\n".join(lines[opening + 1 : number])
            blocks.append(Block(language, opening + 1, text, label))
            opening = None
    assert opening is None, f"a fence opened at line {opening + 1} is never closed"
    return blocks


def prose(markdown: str) -> str:
    """The text outside fenced blocks (links and `make` in code blocks mean nothing)."""
    kept, inside = [], False
    for line in markdown.splitlines():
        if FENCE.match(line):
            inside = not inside
            continue
        if not inside:
            kept.append(line)
    return "\n".join(kept)


def snippet_problems(markdown: str) -> list[str]:
    problems = []
    for block in fenced_blocks(markdown):
        if block.language in FREE_LANGUAGES:
            continue
        where = f"line {block.first_line} ({block.language or 'no language'})"
        label = SNIPPET.match(block.label)
        if label is None:
            problems.append(f"{where}: no `<!-- snippet: path -->` on the line above")
            continue
        source = ROOT / label["path"]
        if not source.is_file():
            problems.append(f"{where}: {label['path']} does not exist")
        elif block.text not in source.read_text():
            problems.append(f"{where}: not found verbatim in {label['path']}")
    return problems


def link_problems(page: Path, markdown: str) -> list[str]:
    problems = []
    for match in LINK.finditer(prose(markdown)):
        target = match["target"].split("#", 1)[0]
        if not target or re.match(r"^[a-z]+:", target):  # an anchor, or http:, mailto:...
            continue
        if not (page.parent / target).exists():
            problems.append(f"link to {match['target']}: no such file")
    return problems


def make_problems(markdown: str) -> list[str]:
    targets = set(MAKE_TARGET.findall((ROOT / "Makefile").read_text()))
    named = set(MAKE_IN_PROSE.findall(prose(markdown)))
    for block in fenced_blocks(markdown):
        if block.language in {"bash", "sh", "console"}:
            named |= {m["target"] for m in map(MAKE_IN_SHELL.match, block.text.splitlines()) if m}
    return [f"`make {target}`: not a Makefile target" for target in sorted(named - targets)]


def named_test_problems(markdown: str) -> list[str]:
    problems = []
    for match in TEST_REFERENCE.finditer(markdown):
        source = ROOT / match["path"]
        if not source.is_file():
            problems.append(f"{match[0]}: no such file")
        elif not re.search(rf"def {match['name']}\(", source.read_text()):
            problems.append(f"{match[0]}: no such function")
    return problems


@pytest.mark.parametrize("page", DOCUMENTS, ids=IDS)
def test_every_non_shell_block_is_a_verbatim_snippet_of_the_file_it_names(page: Path) -> None:
    assert snippet_problems(page.read_text()) == []


@pytest.mark.parametrize("page", DOCUMENTS, ids=IDS)
def test_every_relative_link_points_at_a_file_that_exists(page: Path) -> None:
    assert link_problems(page, page.read_text()) == []


@pytest.mark.parametrize("page", DOCUMENTS, ids=IDS)
def test_every_make_command_named_is_a_makefile_target(page: Path) -> None:
    assert make_problems(page.read_text()) == []


@pytest.mark.parametrize("page", DOCUMENTS, ids=IDS)
def test_every_test_named_by_path_exists(page: Path) -> None:
    assert named_test_problems(page.read_text()) == []


def test_the_readme_keeps_the_two_commands_a_newcomer_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    commands = [
        "uv run python -m app.seed && uv run uvicorn app.main:app",
        "uv run pytest -n auto",
    ]
    assert [command for command in commands if command not in readme] == []


SAMPLE = """\
Run `make nope` or [see](missing.md).

<!-- snippet: Makefile -->
```make
not in the Makefile
```

```python
x = 1
```

```bash
make also-nope
```
"""


def test_the_checks_catch_each_kind_of_drift() -> None:
    """The guards above pass on the real pages; here each is shown to fail on a bad one."""
    assert {
        "snippets": snippet_problems(SAMPLE),
        "links": link_problems(ROOT / "docs" / "sample.md", SAMPLE),
        "make": make_problems(SAMPLE),
        "tests": named_test_problems("tests/meta/test_docs.py::no_such_test"),
    } == {
        "snippets": [
            "line 4 (make): not found verbatim in Makefile",
            "line 8 (python): no `<!-- snippet: path -->` on the line above",
        ],
        "links": ["link to missing.md: no such file"],
        "make": ["`make also-nope`: not a Makefile target", "`make nope`: not a Makefile target"],
        "tests": ["tests/meta/test_docs.py::no_such_test: no such function"],
    }
