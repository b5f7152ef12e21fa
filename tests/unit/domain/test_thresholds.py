"""What a higher threshold would have done with a source's decided cases (bot/domain/thresholds.py)."""

from __future__ import annotations

from bot.domain.thresholds import ThresholdAdvice, higher_threshold


def test_the_higher_threshold_that_best_serves_the_decisions_the_lowest_of_equals() -> None:
    confirmed = [0.9, 0.85, 0.8, 0.55]
    false_alarms = [0.52, 0.55, 0.58, 0.6, 0.7]
    # F1 at 0.5: 8 / 13; at 0.75 and 0.8 alike: 3 found, no false alarm, one missed = 6 / 7.
    assert higher_threshold(confirmed, false_alarms, 0.5) == ThresholdAdvice(threshold=0.75, spared=5, false_alarms=5, missed=1, confirmed=4)


def test_no_advice_when_no_higher_threshold_does_better() -> None:
    assert higher_threshold([0.6, 0.7], [0.95, 0.97], 0.5) is None  # the false alarms score highest
    assert higher_threshold([0.9], [0.6], 0.97) is None  # no step left under 1
    assert higher_threshold([], [], 0.5) is None


def test_only_thresholds_above_the_current_one_are_weighed() -> None:
    # The false alarm at 0.65 was flagged under an earlier, lower threshold; 0.75 is the first step above 0.7 and flags neither.
    advice = higher_threshold([0.9, 0.95], [0.65, 0.72], 0.7)
    assert advice is not None and advice.threshold == 0.75 and advice.spared == 2
