import pytest
from sqlalchemy import ColumnElement, column, table
from sqlalchemy.dialects import sqlite

from app.core.search import icontains

books = table("books", column("title"))


def literal_sql(expression: ColumnElement[bool]) -> str:
    return str(expression.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))


class TestIcontains:
    def test_compiles_to_a_lower_cased_like_with_an_escape_character(self) -> None:
        assert literal_sql(icontains(books.c.title, "Dune")) == (
            "lower(books.title) LIKE '%dune%' ESCAPE '\\'"
        )

    @pytest.mark.parametrize(
        ("text", "pattern"),
        [
            pytest.param("Dune", "%dune%", id="plain_text_lower_cased"),
            pytest.param("100%", "%100\\%%", id="percent"),
            pytest.param("snake_case", "%snake\\_case%", id="underscore"),
            pytest.param("%_%", "%\\%\\_\\%%", id="only_wildcards"),
            pytest.param("back\\slash", "%back\\\\slash%", id="escape_character_itself"),
            pytest.param("50\\%", "%50\\\\\\%%", id="escaped_percent_stays_literal"),
        ],
    )
    def test_user_wildcards_are_escaped(self, text: str, pattern: str) -> None:
        compiled = icontains(books.c.title, text).compile(dialect=sqlite.dialect())

        assert (str(compiled), list(compiled.params.values())) == (
            "lower(books.title) LIKE ? ESCAPE '\\'",
            [pattern],
        )
