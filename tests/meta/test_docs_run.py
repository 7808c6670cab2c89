"""The docs' code blocks work as printed, not only as text found in the repository.

tests/meta/test_docs.py checks that each block is verbatim in a file the suite runs; that does
not catch a block that leaves out part of what it was cut from (a conftest without its
imports). So here, over README.md, CONTRIBUTING.md, docs/*.md and tests/fixtures/README.md:
- every Python block parses, and one marked `<!-- snippet: path, whole -->` (a module a reader
  copies as it is) has no undefined name and no unused import (ruff's pyflakes rules, through
  pytest-examples, which reports the page and line of the block);
- every `pytest.ini` block is accepted by pytest with `--strict-config` and runs a test;
- every shell block marked `<!-- run -->` exits 0, one command after another, from the
  repository root (kept for commands cheap enough for every run: `make help`, the check of the
  tools the load and throughput targets need).
"""

import subprocess
from pathlib import Path

import pytest
from pytest_examples import CodeExample, find_examples
from pytest_examples.config import ExamplesConfig
from pytest_examples.lint import FormatError, ruff_check

from tests.meta.test_docs import DOCUMENTS, ROOT, SNIPPET, Block, fenced_blocks

pytest_plugins = ["pytester"]

RUN = "<!-- run -->"
# Import order depends on which modules are the reader's own, which no block says.
WHOLE_IGNORES = ["I001"]
# Names an excerpt may take from the rest of the file it was cut from.
EXCERPT_IGNORES = [*WHOLE_IGNORES, "F821", "F401", "F811", "F841"]


def relative(path: Path) -> str:
    return str(path.resolve().relative_to(ROOT))


EXAMPLES = list(find_examples(*DOCUMENTS))


def label_of(example: CodeExample) -> str:
    lines = example.path.read_text().splitlines()
    return lines[example.start_line - 2].strip() if example.start_line >= 2 else ""


def is_whole(example: CodeExample) -> bool:
    label = SNIPPET.match(label_of(example))
    return label is not None and label["whole"] is not None


def blocks(language: str, *, label: str | None = None) -> list[tuple[str, Block]]:
    found = []
    for page in DOCUMENTS:
        for block in fenced_blocks(page.read_text()):
            if block.language == language and (label is None or block.label == label):
                found.append((f"{relative(page)}:{block.first_line}", block))
    return found


PYTEST_INIS = [(where, b) for where, b in blocks("ini") if b.text.startswith("[pytest]")]
RUN_BLOCKS = blocks("bash", label=RUN)


@pytest.mark.parametrize(
    "example", EXAMPLES, ids=[f"{relative(e.path)}:{e.start_line}" for e in EXAMPLES]
)
def lint_problems(example: CodeExample) -> str:
    config = ExamplesConfig(
        ruff_select=["F"],
        ruff_ignore=WHOLE_IGNORES if is_whole(example) else EXCERPT_IGNORES,
        target_version="py310",
    )
    try:
        # --isolated: ruff's defaults, not the project's rules for files (a block is no file).
        ruff_check(example, config, extra_ruff_args=("--isolated",))
    except FormatError as error:
        return str(error)
    return ""


@pytest.mark.parametrize(
    "example", EXAMPLES, ids=[f"{relative(e.path)}:{e.start_line}" for e in EXAMPLES]
)
def test_a_python_block_parses_and_a_whole_one_defines_every_name_it_uses(
    example: CodeExample,
) -> None:
    problems = lint_problems(example)
    if problems:
        pytest.fail(problems, pytrace=False)


def test_the_kit_readme_prints_its_conftest_whole() -> None:
    kit_readme = ROOT / "tests" / "fixtures" / "README.md"
    whole = [e for e in EXAMPLES if e.path.resolve() == kit_readme and is_whole(e)]

    assert [e.source for e in whole if "pytest_plugins" in e.source] != []


@pytest.mark.parametrize("block", [b for _, b in PYTEST_INIS], ids=[w for w, _ in PYTEST_INIS])
def test_a_pytest_ini_block_is_accepted_by_pytest(pytester: pytest.Pytester, block: Block) -> None:
    pytester.makeini(block.text)
    pytester.makepyfile(test_one="def test_one():\n    assert 2 + 2 == 4\n")

    result = pytester.runpytest_subprocess(
        "--strict-config", "-p", "no:randomly", "-p", "no:cacheprovider", "test_one.py"
    )

    assert result.ret == 0, result.stdout.str() + result.stderr.str()
    result.assert_outcomes(passed=1)


def test_the_docs_print_at_least_one_pytest_ini_and_one_command_run_here() -> None:
    assert PYTEST_INIS != []
    assert RUN_BLOCKS != []


def commands(block: Block) -> list[str]:
    return [line for line in block.text.splitlines() if line.strip() and not line.startswith("#")]


def failed_commands(block: Block) -> list[str]:
    failed = []
    for command in commands(block):
        done = subprocess.run(  # noqa: S602 (the docs' own commands, as a reader types them)
            command, shell=True, cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        if done.returncode != 0:
            failed.append(f"{command} -> exit {done.returncode}\n{done.stdout}{done.stderr}")
    return failed


@pytest.mark.parametrize("block", [b for _, b in RUN_BLOCKS], ids=[w for w, _ in RUN_BLOCKS])
def test_a_block_marked_run_exits_0_command_by_command(block: Block) -> None:
    assert failed_commands(block) == []


BROKEN_PAGE = """\
<!-- snippet: tests/meta/portable_project.py, whole -->
```python
def app_factory() -> Callable[[], None]:
    return lambda: None
```

<!-- run -->
```bash
true
make no-such-target
```
"""


def test_the_checks_catch_a_block_missing_an_import_and_a_command_that_fails(
    tmp_path: Path,
) -> None:
    page = tmp_path / "broken.md"
    page.write_text(BROKEN_PAGE)
    (example,) = find_examples(page)
    (run_block,) = [b for b in fenced_blocks(BROKEN_PAGE) if b.label == RUN]

    assert "F821 Undefined name `Callable`" in lint_problems(example)
    assert [failure.splitlines()[0] for failure in failed_commands(run_block)] == [
        "make no-such-target -> exit 2"
    ]
