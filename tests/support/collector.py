"""The garbage collector as the test found it: a production app's start-up (lifespan) freezes
the heap and raises the young-generation threshold for the whole process (app/core/memory.py);
a test running one must not leave that to the tests after it on the same worker."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager

import pytest


@contextmanager
def collector_as_found() -> Iterator[None]:
    threshold = gc.get_threshold()
    try:
        yield
    finally:
        if gc.get_freeze_count():
            gc.unfreeze()
        gc.set_threshold(*threshold)


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    with collector_as_found():
        yield
