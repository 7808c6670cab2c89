"""The garbage collector set for a long-running server: start-up objects frozen, young
collections less often.

Every full collection walks every tracked object: the modules, routes, schemas, compiled
statements made at start-up, thousands of them, which never become garbage; on the read path
those walks set p99. Freezing moves what exists at the end of start-up into a generation the
collector never scans.

A request allocates a few hundred container objects (dicts, frames, futures), so CPython's
default young-generation threshold of 700 runs a collection every request or two. At 20,000 it
runs about every hundred requests; the young objects it walks are the same, the fixed cost per
collection is paid less often. The figures for both are in docs/performance.md (first pass,
item 2; third pass, item 7).
"""

import gc

YOUNG_GENERATION_THRESHOLD = 20_000


def freeze_startup_objects() -> None:
    gc.collect()  # garbage made while starting is freed first, not frozen
    gc.freeze()


def collect_young_objects_less_often() -> None:
    """Raises only the young generation's threshold; the older two keep theirs."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, middle, old)
