"""The interface every negativity detector shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Classification:
    # Probability-like negativity in [0, 1]; the pipeline routes at or above the configured threshold.
    score: float
    # Short human-readable reasons shown on the card ("1-star review", "negated 'work'", ...).
    reasons: tuple[str, ...] = field(default_factory=tuple)


class Classifier(Protocol):
    name: str

    def classify(self, text: str, *, rating: int | None = None) -> Classification: ...
