"""Column default functions keep working under mutation testing (issue 19, docs/mutation.md).

SQLAlchemy passes the insert's execution context only to a default whose signature takes one
positional argument. mutmut wraps each function it mutates in a `*args, **kwargs` trampoline,
which hides that argument: the integration tests then failed before any mutant was judged
("x_same_as_created_at__mutmut_orig() missing 1 required positional argument: 'context'"). So a
default that takes the context is kept out of mutation by `# pragma: no mutate block` on its
`def` line.
"""

import inspect
from collections.abc import Callable
from typing import Any, cast

from sqlalchemy.sql.schema import CallableColumnDefault

from app.models import Base

NO_MUTATE = "# pragma: no mutate block"


def default_functions() -> dict[str, Callable[..., Any]]:
    found: dict[str, Callable[..., Any]] = {}
    for table in Base.metadata.tables.values():
        for column in table.columns:
            for default in (column.default, column.onupdate):
                if isinstance(default, CallableColumnDefault):
                    # The function as given, before SQLAlchemy wraps it.
                    function = cast("Callable[..., Any]", default._fn)
                    found[f"{function.__module__}.{function.__qualname__}"] = function
    return found


def takes_the_context(function: Callable[..., Any]) -> bool:
    parameters = inspect.signature(function).parameters.values()
    return any(p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD for p in parameters)


def test_every_default_taking_the_context_is_kept_out_of_mutation() -> None:
    with_context = {name: f for name, f in default_functions().items() if takes_the_context(f)}

    assert sorted(with_context) == ["app.core.db.same_as_created_at"]
    unmarked = [
        name
        for name, function in with_context.items()
        if NO_MUTATE not in inspect.getsourcelines(function)[0][0]
    ]
    assert unmarked == []


def test_the_other_defaults_take_no_argument_and_run_under_a_trampoline() -> None:
    without_context = {name for name, f in default_functions().items() if not takes_the_context(f)}

    assert without_context == {"app.core.db.utcnow"}
