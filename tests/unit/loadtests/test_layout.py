"""How Locust loads loadtests/: plain modules hold users, `_` modules hold locust-free logic."""

import ast
from pathlib import Path

import pytest

LOADTESTS = Path(__file__).parents[3] / "loadtests"
# Importing locust monkey-patches the process with gevent: the suite tests these modules only.
PURE_MODULES = ("_budgets.py", "_checks.py", "_credentials.py", "_data.py")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    names |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    return {name.split(".")[0] for name in names}


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_modules_do_not_import_locust(module: str) -> None:
    assert "locust" not in imported_modules(LOADTESTS / module)


def test_locust_picks_up_only_the_user_modules() -> None:
    # Locust imports every .py under the -f directory whose name does not start with "_".
    locustfiles = sorted(
        path.name for path in LOADTESTS.rglob("*.py") if not path.name.startswith("_")
    )

    assert locustfiles == ["admins.py", "browsers.py", "customers.py", "sellers.py"]
