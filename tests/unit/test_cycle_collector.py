"""Overlapping pauses of the cycle collector (two large batches in two threads) end in any order."""

import gc

from bot.flows.cycle_collector import LARGE_BATCH, paused_for


def test_the_collector_resumes_when_the_last_overlapping_pause_ends_not_the_first() -> None:
    first, second = paused_for(LARGE_BATCH), paused_for(LARGE_BATCH)
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # threads end in any order, not nested
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_collector_someone_else_paused_stays_paused() -> None:
    gc.disable()
    try:
        first, second = paused_for(LARGE_BATCH), paused_for(LARGE_BATCH)
        first.__enter__()
        second.__enter__()
        second.__exit__(None, None, None)
        first.__exit__(None, None, None)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_small_batch_leaves_the_collector_alone() -> None:
    with paused_for(LARGE_BATCH - 1):
        assert gc.isenabled()
