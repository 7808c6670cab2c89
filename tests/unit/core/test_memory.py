"""The collector settings a production start-up applies (app/core/memory.py)."""

import gc
from collections.abc import Iterator

import pytest

from app.core.memory import (
    YOUNG_GENERATION_THRESHOLD,
    collect_young_objects_less_often,
    freeze_startup_objects,
)
from tests.support.collector import collector_as_found


@pytest.fixture
def thresholds_restored() -> Iterator[tuple[int, int, int]]:
    saved = gc.get_threshold()
    gc.set_threshold(700, 11, 12)
    yield saved
    gc.set_threshold(*saved)


def test_only_the_young_generation_threshold_is_raised(
    thresholds_restored: tuple[int, int, int],
) -> None:
    collect_young_objects_less_often()

    assert gc.get_threshold() == (YOUNG_GENERATION_THRESHOLD, 11, 12)


def test_a_production_start_up_leaves_the_collector_to_the_next_test_as_found(
    thresholds_restored: tuple[int, int, int],
) -> None:
    with collector_as_found():
        freeze_startup_objects()
        collect_young_objects_less_often()
        during = (gc.get_freeze_count() > 0, gc.get_threshold())

    assert during == (True, (YOUNG_GENERATION_THRESHOLD, 11, 12))
    assert (gc.get_freeze_count(), gc.get_threshold()) == (0, (700, 11, 12))
