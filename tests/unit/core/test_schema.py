from typing import Any

import pytest

from app.core.schema import omit_null

STRING = {"type": "string", "minLength": 1}
NUMBER = {"type": "number"}


class TestOmitNull:
    @pytest.mark.parametrize(
        ("schema", "expected"),
        [
            pytest.param(
                {"anyOf": [STRING, {"type": "null"}], "title": "Name"},
                {**STRING, "title": "Name"},
                id="one_branch_left_is_inlined",
            ),
            pytest.param(
                {"anyOf": [NUMBER, STRING, {"type": "null"}], "title": "Price"},
                {"anyOf": [NUMBER, STRING], "title": "Price"},
                id="several_branches_stay_a_union",
            ),
            pytest.param({**STRING, "title": "Name"}, {**STRING, "title": "Name"}, id="no_union"),
        ],
    )
    def test_drops_only_the_null_branch(
        self, schema: dict[str, Any], expected: dict[str, Any]
    ) -> None:
        omit_null(schema)

        assert schema == expected
