"""The load-test budgets, in one place, and their evaluation (pure: no locust import).

Every request group must have a budget: a group without one is itself a breach, so a new
scenario cannot slip in ungated. Failures must be zero; p50 and p95 limits in milliseconds, over
the whole run. Why these numbers: docs/load-tests.md ("Budgets").
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# The median catches a slower code path: reads and writes take ~10-20 ms at the median on a quiet
# 2-core machine, so a 10x regression crosses these.
READ_P50_MS = 200
WRITE_P50_MS = 300
# The p95 is set by the sign-ups while users spawn: each Argon2 hash (~0.2 s) holds its uvicorn
# worker's event loop, and the requests behind it wait. It catches tails: pool or lock waits.
READ_P95_MS = 1500
WRITE_P95_MS = 2000
# Register and login run one Argon2 hash each, queued behind the other users' hashes.
PASSWORD_HASH_P50_MS = 2500
PASSWORD_HASH_P95_MS = 6000

READS = ("GET /books", "GET /books?author=", "GET /books?q=", "GET /books?skip=",
         "GET /books/{id}", "GET /admin/users", "GET /orders/{id}")  # fmt: skip
WRITES = ("POST /books", "PATCH /books/{id}", "PUT /books/{id}/cover", "POST /orders",
          "POST /orders/{id}/cancel")  # fmt: skip
PASSWORD_HASHING = ("POST /auth/register", "POST /auth/login")


@dataclass(frozen=True, slots=True)
class Budget:
    p50_ms: int
    p95_ms: int


BUDGETS: Mapping[str, Budget] = {
    **dict.fromkeys(READS, Budget(p50_ms=READ_P50_MS, p95_ms=READ_P95_MS)),
    **dict.fromkeys(WRITES, Budget(p50_ms=WRITE_P50_MS, p95_ms=WRITE_P95_MS)),
    **dict.fromkeys(
        PASSWORD_HASHING, Budget(p50_ms=PASSWORD_HASH_P50_MS, p95_ms=PASSWORD_HASH_P95_MS)
    ),
}
MAX_FAILURE_RATIO = 0.0


@dataclass(frozen=True, slots=True)
class GroupResult:
    """What a run measured for one request group (`"<METHOD> <name>"`)."""

    group: str
    requests: int
    failures: int
    p50_ms: float
    p95_ms: float


def evaluate(
    results: Iterable[GroupResult],
    budgets: Mapping[str, Budget] = BUDGETS,
    max_failure_ratio: float = MAX_FAILURE_RATIO,
) -> list[str]:
    """The broken budgets, one sentence each; an empty list means every budget held."""
    breaches: list[str] = []
    total = 0
    for result in results:
        total += result.requests
        budget = budgets.get(result.group)
        if budget is None:
            breaches.append(f"{result.group}: no budget set in loadtests/_budgets.py")
            continue
        if result.requests and result.failures / result.requests > max_failure_ratio:
            breaches.append(
                f"{result.group}: {result.failures} of {result.requests} requests failed"
                f" (allowed ratio {max_failure_ratio})"
            )
        for label, measured, limit in (
            ("p50", result.p50_ms, budget.p50_ms),
            ("p95", result.p95_ms, budget.p95_ms),
        ):
            if measured > limit:
                breaches.append(f"{result.group}: {label} {measured:.0f} ms > budget {limit} ms")
    if total == 0:
        breaches.append("no requests were made")
    return breaches


def verdict_table(
    results: Iterable[GroupResult], budgets: Mapping[str, Budget] = BUDGETS
) -> list[str]:
    """One line per group, for the log: requests, failures, p50 and p95 against their budgets."""
    lines = [
        f"{'group':<28} {'reqs':>6} {'fails':>6} {'p50 ms (budget)':>16} {'p95 ms (budget)':>16}"
    ]
    for result in sorted(results, key=lambda item: item.group):
        budget = budgets.get(result.group)
        p50 = f"{result.p50_ms:.0f} ({budget.p50_ms if budget else '-'})"
        p95 = f"{result.p95_ms:.0f} ({budget.p95_ms if budget else '-'})"
        lines.append(
            f"{result.group:<28} {result.requests:>6} {result.failures:>6} {p50:>16} {p95:>16}"
        )
    return lines
