"""`Prebuilt` statements and the read connection's own checks, without a database."""

from typing import Any

import asyncpg  # type: ignore[import-untyped]  # no stubs
import pytest
from sqlalchemy import bindparam, select
from sqlalchemy.exc import DBAPIError

from app.books.models import Book
from app.core.reads import Prebuilt, ReadConnection, Reads, _driver_sql, on_driver


def test_prebuilt_sql_numbers_its_parameters_for_asyncpg() -> None:
    built = select(Book.id).where(Book.title == "Dune", Book.stock > bindparam("stock"))

    statement = Prebuilt.of(built)

    assert statement.statement is built  # what SQLAlchemy runs off the asyncpg route
    assert statement.sql == (
        "SELECT books.id \nFROM books \nWHERE books.title = $1::VARCHAR AND books.stock > "
        "$2::INTEGER"
    )
    assert statement.arguments({"stock": 3}) == ["Dune", 3]


def test_a_statement_built_per_request_is_compiled_for_the_driver_on_the_spot() -> None:
    sql, arguments = _driver_sql(select(Book.id).where(Book.author == "Le Guin"), {})

    assert (sql, arguments) == (
        "SELECT books.id \nFROM books \nWHERE books.author = $1::VARCHAR",
        ["Le Guin"],
    )


def test_a_read_connection_without_session_or_engine_is_refused() -> None:
    with pytest.raises(TypeError, match="needs a session or an engine"):
        ReadConnection()


@pytest.mark.parametrize(
    "where",
    [
        pytest.param({}, id="neither"),
        pytest.param({"session": object(), "engine": object()}, id="both"),
    ],
)
def test_reads_on_neither_or_both_a_session_and_an_engine_is_refused(
    where: dict[str, Any],
) -> None:
    with pytest.raises(
        TypeError, match=r"^Reads runs on a session or on an engine: give exactly one$"
    ):
        Reads(**where)


async def test_the_driver_gets_the_sql_and_its_arguments_and_its_answer_is_returned() -> None:
    calls: list[tuple[str, tuple[Any, ...]]] = []

    async def fetch(sql: str, *arguments: Any) -> list[str]:
        calls.append((sql, arguments))
        return ["a row"]

    rows = await on_driver(
        fetch, Prebuilt.of(select(Book.id).where(Book.stock > bindparam("stock"))), {"stock": 3}
    )

    assert (rows, calls) == (
        ["a row"],
        [("SELECT books.id \nFROM books \nWHERE books.stock > $1::INTEGER", (3,))],
    )


async def test_a_driver_error_becomes_sqlalchemys_as_through_execute() -> None:
    async def fetchval(sql: str, *arguments: Any) -> Any:
        raise asyncpg.exceptions.UndefinedTableError(f"no table for {sql!r} {arguments}")

    with pytest.raises(DBAPIError) as failed:
        await on_driver(fetchval, Prebuilt.of(select(Book.id).where(Book.stock == 2)), {})

    assert (type(failed.value.orig), failed.value.statement, failed.value.params) == (
        asyncpg.exceptions.UndefinedTableError,
        "SELECT books.id \nFROM books \nWHERE books.stock = $1::INTEGER",
        [2],
    )
