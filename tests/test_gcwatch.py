"""The box's garbage-collection policy and its pause watch (firmware/gcwatch.py)."""

import gc

import pytest

from firmware import gcwatch


@pytest.fixture
def restored():
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)
    if gcwatch._callback in gc.callbacks:
        gc.callbacks.remove(gcwatch._callback)


def test_settle_freezes_what_exists_and_raises_the_thresholds(restored):
    keep = [[i] for i in range(1000)]  # long-lived containers, as the box's config
    gcwatch.settle()
    assert gc.get_freeze_count() >= len(keep)
    assert gc.get_threshold() == gcwatch.THRESHOLDS
    assert gc.get_threshold()[0] <= 1000  # young passes stay short (well under a frame)
    assert gc.get_threshold()[2] > 10  # the oldest generation is walked more rarely


def test_watch_times_each_collection_by_generation(restored):
    gcwatch.watch()
    gcwatch.watch()  # once only
    assert gc.callbacks.count(gcwatch._callback) == 1
    before = gcwatch.summary()["collections"]
    for _ in range(3):
        gc.collect(0)
    gc.collect()
    seen = gcwatch.summary()
    assert seen["collections"][0] - before[0] == 3
    assert seen["collections"][2] - before[2] == 1
    assert seen["max_ms"] > 0 and seen["p50_ms"] <= seen["p99_ms"] <= seen["max_ms"]
