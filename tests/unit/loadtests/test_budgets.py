"""The budget verdict of loadtests/_budgets.py (pure: these tests never import locust)."""

import pytest

from loadtests import _budgets
from loadtests._budgets import BUDGETS, Budget, GroupResult, evaluate, verdict_table

LIMITS = {"GET /books": Budget(p50_ms=20, p95_ms=100), "POST /auth/login": Budget(500, 3000)}


def result(
    group: str, *, requests: int = 10, failures: int = 0, p50_ms: float = 10, p95_ms: float = 50
) -> GroupResult:
    return GroupResult(
        group=group, requests=requests, failures=failures, p50_ms=p50_ms, p95_ms=p95_ms
    )


class TestEvaluate:
    def test_groups_within_budget_give_no_breach(self) -> None:
        results = [
            result("GET /books", p50_ms=20, p95_ms=100),
            result("POST /auth/login", p50_ms=499, p95_ms=2999),
        ]

        assert evaluate(results, LIMITS) == []

    @pytest.mark.parametrize(
        ("measured", "expected"),
        [
            pytest.param(
                result("GET /books", p95_ms=101),
                ["GET /books: p95 101 ms > budget 100 ms"],
                id="p95_over_budget",
            ),
            pytest.param(
                result("GET /books", p50_ms=21),
                ["GET /books: p50 21 ms > budget 20 ms"],
                id="p50_over_budget",
            ),
            pytest.param(
                result("GET /books", requests=200, failures=1),
                ["GET /books: 1 of 200 requests failed (allowed ratio 0.0)"],
                id="one_failure_breaks_ratio_zero",
            ),
            pytest.param(
                result("GET /books", failures=2, p50_ms=300, p95_ms=500),
                [
                    "GET /books: 2 of 10 requests failed (allowed ratio 0.0)",
                    "GET /books: p50 300 ms > budget 20 ms",
                    "GET /books: p95 500 ms > budget 100 ms",
                ],
                id="every_breach_named",
            ),
            pytest.param(
                result("DELETE /books/{id}"),
                ["DELETE /books/{id}: no budget set in loadtests/_budgets.py"],
                id="group_without_budget",
            ),
            pytest.param(
                result("SETUP admin credentials", requests=0, failures=1),
                [
                    "SETUP admin credentials: no budget set in loadtests/_budgets.py",
                    "no requests were made",
                ],
                id="setup_failure_only",
            ),
        ],
    )
    def test_breaches_are_named(self, measured: GroupResult, expected: list[str]) -> None:
        assert evaluate([measured], LIMITS) == expected

    def test_a_run_without_requests_is_a_breach(self) -> None:
        assert evaluate([], LIMITS) == ["no requests were made"]

    def test_failure_ratio_can_be_loosened(self) -> None:
        assert evaluate([result("GET /books", requests=100, failures=1)], LIMITS, 0.01) == []


class TestBudgetTable:
    def test_every_group_the_scenarios_send_has_a_budget(self) -> None:
        assert sorted(BUDGETS) == [
            "GET /admin/users",
            "GET /books",
            "GET /books/{id}",
            "GET /books?author=",
            "GET /books?q=",
            "GET /books?skip=",
            "GET /orders/{id}",
            "PATCH /books/{id}",
            "POST /auth/login",
            "POST /auth/register",
            "POST /books",
            "POST /orders",
            "POST /orders/{id}/cancel",
            "PUT /books/{id}/cover",
        ]

    def test_password_hashing_groups_get_their_own_budget(self) -> None:
        assert (BUDGETS["POST /auth/login"], BUDGETS["GET /books"]) == (
            Budget(p50_ms=_budgets.PASSWORD_HASH_P50_MS, p95_ms=_budgets.PASSWORD_HASH_P95_MS),
            Budget(p50_ms=_budgets.READ_P50_MS, p95_ms=_budgets.READ_P95_MS),
        )
        assert BUDGETS["POST /auth/login"] != BUDGETS["GET /books"]

    def test_verdict_table_lists_groups_sorted_with_their_budgets(self) -> None:
        rows = verdict_table(
            [result("POST /auth/login", p50_ms=400.2, p95_ms=1200.4), result("GET /x", failures=1)],
            LIMITS,
        )

        assert rows == [
            "group                          reqs  fails  p50 ms (budget)  p95 ms (budget)",
            "GET /x                           10      1           10 (-)           50 (-)",
            "POST /auth/login                 10      0        400 (500)      1200 (3000)",
        ]
