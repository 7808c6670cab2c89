"""The load-test budgets, in one place, and their evaluation (pure: no locust import).

Every request group must have a budget: a group without one is itself a breach, so a new
scenario cannot slip in ungated. Failures must be zero; p50 and p95 limits in milliseconds, over
the whole run. Why these numbers: docs/load-tests.md ("Budgets").
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Measured on a quiet 2-core machine, 50 users for 60 s (docs/load-tests.md, "Budgets"): reads
# take 3-7 ms at the median and 7-20 ms at p95, writes 6-9 and 12-20 ms. The limits sit about
# 10x above that: a shared CI machine holds them, a 10x slower code path or a pool running dry
# does not.
READ_P50_MS = 50
READ_P95_MS = 300
WRITE_P50_MS = 100
WRITE_P95_MS = 400
# Register and login hash with production Argon2 (~0.2 s of CPU, in a worker thread): 180-190 ms
# at the median, 420-510 ms at p95 while users spawn.
PASSWORD_HASH_P50_MS = 1000
PASSWORD_HASH_P95_MS = 3000

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
