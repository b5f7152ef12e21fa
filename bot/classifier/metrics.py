"""Precision, recall and F1 of the negative class, and macro-F1. Pure."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def scores(labels: Sequence[int], predicted: Sequence[bool]) -> dict[str, float]:
    tp = sum(1 for y, p in zip(labels, predicted) if y == 1 and p)
    fp = sum(1 for y, p in zip(labels, predicted) if y == 0 and p)
    fn = sum(1 for y, p in zip(labels, predicted) if y == 1 and not p)
    tn = len(labels) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    negative_class_f1 = _f1(precision, recall)
    other_precision = tn / (tn + fn) if tn + fn else 0.0
    other_recall = tn / (tn + fp) if tn + fp else 0.0
    macro = (negative_class_f1 + _f1(other_precision, other_recall)) / 2
    return {"precision": precision, "recall": recall, "f1": negative_class_f1, "macro_f1": macro}


def best_threshold(labels: Sequence[int], values: Sequence[float]) -> float:
    """The cut-off on `values` (higher = more negative) with the best F1 on these labels."""
    candidates = sorted(set(round(v, 4) for v in values))
    if len(candidates) > 400:
        step = len(candidates) / 400
        candidates = [candidates[int(i * step)] for i in range(400)]
    return max(candidates, key=lambda t: scores(labels, [v >= t for v in values])["f1"]) if candidates else 0.5


def negative_f1(labels: np.ndarray, predicted: np.ndarray) -> float:
    """F1 of the negative class as `scores` counts it, vectorised: training tries thousands of cuts."""
    hits = int(np.count_nonzero(predicted & (labels == 1)))
    return 2 * hits / (int(np.count_nonzero(predicted)) + int(np.count_nonzero(labels == 1)) or 1)
