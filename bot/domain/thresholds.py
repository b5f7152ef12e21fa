"""What a higher threshold would have done with the cases a team decided on. Pure.

Only higher: a case is decided after the detector flagged it, so what a lower threshold would add was never seen,
let alone decided. Judged by F1, the confirmed complaints being the ones to find, as training chooses its threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

STEP = 0.05


@dataclass(frozen=True)
class ThresholdAdvice:
    threshold: float
    spared: int  # false alarms it would not have flagged...
    false_alarms: int  # ...of these
    missed: int  # confirmed complaints it would not have flagged...
    confirmed: int  # ...of these


def higher_threshold(confirmed: Sequence[float], false_alarms: Sequence[float], current: float) -> ThresholdAdvice | None:
    """The threshold above `current`, in steps of STEP, with the best F1 on the decided cases' scores (the lowest of
    equals); None when none does better than `current`."""

    def f1(threshold: float) -> float:
        found = sum(score >= threshold for score in confirmed)
        flagged = found + sum(score >= threshold for score in false_alarms)
        return 2 * found / (flagged + len(confirmed)) if flagged + len(confirmed) else 0.0

    steps = int(round((1 - current) / STEP))
    candidates = [round(current + STEP * k, 2) for k in range(1, steps)]
    best = max(candidates, key=lambda t: (f1(t), -t), default=None)
    if best is None or f1(best) <= f1(current):
        return None
    return ThresholdAdvice(
        threshold=best,
        spared=sum(score < best for score in false_alarms),
        false_alarms=len(false_alarms),
        missed=sum(score < best for score in confirmed),
        confirmed=len(confirmed),
    )
