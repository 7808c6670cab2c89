"""Hypothesis settings profiles, chosen by `HYPOTHESIS_PROFILE` (default `dev`).

`dev` keeps the property layer quick on a laptop; `ci` (exported by `.ci/run`) runs many more
examples and prints the reproduction blob of any failure, so it can be replayed locally with
`@reproduce_failure`. `mutation` (set by scripts/mutation_run.py) draws the same examples on every
run, so a mutant's verdict does not depend on luck, and allows what mutmut does by design: it runs
pytest several times in one process (stats, the clean run, then each mutant's fork), so a test
method is called from more than one instance. Deadlines are off in all three: timing belongs to
the benchmarks, and a slow xdist worker must not turn into a flaky `DeadlineExceeded`.
"""

import os

from hypothesis import HealthCheck, settings

DEFAULT_PROFILE = "dev"

settings.register_profile("dev", max_examples=25, deadline=None)
settings.register_profile("ci", max_examples=200, deadline=None, print_blob=True, derandomize=False)
settings.register_profile(
    "mutation",
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.differing_executors],
)
ACTIVE_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", DEFAULT_PROFILE)
settings.load_profile(ACTIVE_PROFILE)
