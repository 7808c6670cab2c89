"""Hypothesis settings profiles, chosen by `HYPOTHESIS_PROFILE` (default `dev`).

`dev` keeps the property layer quick on a laptop; `ci` (exported by `.ci/run`) runs many more
examples and prints the reproduction blob of any failure, so it can be replayed locally with
`@reproduce_failure`. Deadlines are off in both: timing belongs to the benchmarks, and a slow
xdist worker must not turn into a flaky `DeadlineExceeded`.
"""

import os

from hypothesis import settings

DEFAULT_PROFILE = "dev"

settings.register_profile("dev", max_examples=25, deadline=None)
settings.register_profile("ci", max_examples=200, deadline=None, print_blob=True, derandomize=False)
ACTIVE_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", DEFAULT_PROFILE)
settings.load_profile(ACTIVE_PROFILE)
