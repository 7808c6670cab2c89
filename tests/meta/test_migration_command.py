"""The documented `uv run alembic revision --autogenerate -m "..."` (CONTRIBUTING.md) writes the
next numbered revision, already through ruff, so `make lint` passes on it as written (issue 22).

It runs in a copy of the project with one column added to a model, on a SQLite file of its own:
nothing is generated in this checkout.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What `uv run alembic` and `uv run ruff` resolve to: the scripts of the running environment.
BIN = Path(sys.executable).parent
TITLE = "    title: Mapped[str] = mapped_column(String(300))\n"
SUBTITLE = "    subtitle: Mapped[str | None] = mapped_column(String(300), default=None)\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """app/, alembic/, alembic.ini and pyproject.toml (ruff's settings), Book with a subtitle."""
    copy = tmp_path / "project"
    ignore = shutil.ignore_patterns("__pycache__")
    for folder in ("app", "alembic"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=ignore)
    for name in ("alembic.ini", "pyproject.toml"):
        shutil.copy2(ROOT / name, copy / name)
    models = copy / "app" / "books" / "models.py"
    assert TITLE in models.read_text(), "Book.title moved: update this test's model change"
    models.write_text(models.read_text().replace(TITLE, TITLE + SUBTITLE))
    return copy


def run(project: Path, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{project / 'migrations.db'}"}
    return subprocess.run(  # noqa: S603 - the environment's own tools, fixed arguments
        [str(BIN / tool), *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def generate(project: Path, *args: str) -> list[Path]:
    """Migrates the copy to head, runs `alembic revision --autogenerate`, returns the new files."""
    versions = project / "alembic" / "versions"
    before = set(versions.glob("*.py"))
    upgraded = run(project, "alembic", "upgrade", "head")
    assert upgraded.returncode == 0, upgraded.stderr
    generated = run(project, "alembic", "revision", "--autogenerate", *args)
    assert generated.returncode == 0, generated.stderr
    return sorted(set(versions.glob("*.py")) - before)


class TestAutogenerate:
    def test_the_documented_command_writes_0005_formatted_and_linted(self, project: Path) -> None:
        new = generate(project, "-m", "Books get a subtitle")

        assert [path.name for path in new] == ["0005_books_get_a_subtitle.py"]
        text = new[0].read_text()
        assert 'revision: str = "0005"\ndown_revision: str | None = "0004"\n' in text
        assert (
            'batch_op.add_column(sa.Column("subtitle", sa.String(length=300), nullable=True))'
            in text
        )
        for check in (["format", "--check"], ["check"]):
            linted = run(project, "ruff", *check, str(new[0]))
            assert linted.returncode == 0, linted.stdout + linted.stderr

        # The next one, named by hand: --rev-id still wins over the numbering.
        named = generate(project, "--rev-id", "0042", "-m", "Named by hand")

        assert [path.name for path in named] == ["0042_named_by_hand.py"]
        assert (
            'revision: str = "0042"\ndown_revision: str | None = "0005"\n' in named[0].read_text()
        )
