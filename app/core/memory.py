"""The garbage collector set for a long-running server: start-up objects frozen, young
collections less often.

Every full collection walks every tracked object, the start-up ones too (modules, routes,
schemas, compiled statements), which never become garbage; on the read path those walks set
p99. Freezing moves what exists at the end of start-up into a generation the collector never
scans.

A request allocates many container objects (dicts, frames, futures), so with CPython's default
young-generation threshold a collection runs nearly every request. A higher threshold walks the
same young objects and pays the fixed cost of a collection less often. The measurements behind
both are in docs/performance.md (first pass, item 2; third pass, item 7).
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
