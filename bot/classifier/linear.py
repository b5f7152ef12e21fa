"""The shipped detector: a logistic-regression model over hashed features, run in pure Python."""

from __future__ import annotations

import base64
import gzip
import json
import math
from array import array
from dataclasses import dataclass
from pathlib import Path

from bot.classifier.base import Classification
from bot.classifier.features import BUCKETS, NEGATORS, bucket, describe, extract

MODEL_PATH = Path(__file__).parent / "model" / "negativity.json.gz"
REASONS_SHOWN = 3
MIN_REASON_WEIGHT = 0.4
_PLACEHOLDERS = {"user", "url", "the", "my", "me", "i", "a", "an", "to", "and", "of", "it", "is", "for", "on", "in", "at"}


def _worth_showing(unit: str) -> bool:
    """Words and phrases a person learns from; not "me" or a stand-in like "url"."""
    words = unit.partition(":")[2].replace("neg_", "").split()
    return not all(w in _PLACEHOLDERS or w in NEGATORS or len(w) < 3 for w in words)


@dataclass(frozen=True)
class LinearModel:
    weights: array  # int16, quantised; weight = value * scale
    scale: float
    intercept: float

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> LinearModel:
        data = json.loads(gzip.decompress(path.read_bytes()))
        weights = array("h")
        weights.frombytes(base64.b64decode(data["weights"]))
        if len(weights) != BUCKETS:
            raise ValueError(f"{path} has {len(weights)} weights, expected {BUCKETS}")
        return cls(weights, data["scale"], data["intercept"])

    def save(self, path: Path) -> None:
        payload = {"buckets": BUCKETS, "scale": self.scale, "intercept": self.intercept, "weights": base64.b64encode(self.weights.tobytes()).decode()}
        path.write_bytes(gzip.compress(json.dumps(payload).encode(), compresslevel=9, mtime=0))


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0


class LinearClassifier:
    """Negativity from words, phrases and character n-grams; star ratings override the words."""

    name = "default"

    def __init__(self, model: LinearModel | None = None) -> None:
        self.model = model or LinearModel.load()

    def classify(self, text: str, *, rating: int | None = None) -> Classification:
        features = extract(text)
        weights, scale = self.model.weights, self.model.scale
        weight = {name: weights[bucket(name)] * scale for name in set(features.names)}
        score = _sigmoid(self.model.intercept + sum(weight.values()))
        contributions = {unit: sum(weight[n] for n in parts) for unit, parts in features.readable.items() if _worth_showing(unit)}
        top = sorted(contributions, key=contributions.__getitem__, reverse=True)[:REASONS_SHOWN]
        reasons = [describe(unit) for unit in top if contributions[unit] >= MIN_REASON_WEIGHT]
        if rating is not None:
            score, reason = rated(score, rating)
            reasons.insert(0, reason)
        return Classification(round(score, 4), tuple(reasons))


def rated(score: float, rating: int) -> tuple[float, str]:
    """A 1-2 star review is a complaint whatever its words; 4-5 stars rarely is."""
    if rating <= 2:
        return max(score, 0.95 if rating == 1 else 0.85), f"{rating}-star review"
    if rating >= 4:
        return min(score, 0.3), f"{rating}-star review"
    return score, "3-star review"
