"""The shipped detector on one core: texts per second for tweet-length and 700-character texts, load time, size."""

from __future__ import annotations

import time
import tracemalloc

from benchmarks.common import table
from benchmarks.ingest import corpus
from bot.classifier.linear import MODEL_PATH, LinearClassifier

LONG = 700


def long_texts(tweets: list[str], count: int) -> list[str]:
    """Texts of exactly LONG characters, each a run of consecutive tweets (so words vary as in real posts)."""
    found, i = [], 0
    while len(found) < count:
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < LONG:
            parts.append(tweets[i % len(tweets)].rstrip(".!?") + ".")
            i += 1
        found.append(" ".join(parts)[:LONG])
    return found


def _speed(detector: LinearClassifier, texts: list[str]) -> float:
    started = time.perf_counter()
    for text in texts:
        detector.classify(text, brand_terms=("Acme",))
    return len(texts) / (time.perf_counter() - started)


def run(quick: bool) -> str:
    tweets = corpus(5_000 if quick else 20_000)
    reviews = long_texts(tweets, 1_000 if quick else 5_000)
    huge = [" ".join(reviews)[:50_000]] * (5 if quick else 20)
    tracemalloc.start()
    started = time.perf_counter()
    detector = LinearClassifier()
    load = time.perf_counter() - started
    _, loaded_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = f"{MODEL_PATH.stat().st_size / 1e6:.1f} MB"
    rows = []
    for label, texts in (("tweets (median ~100 chars)", tweets), (f"{LONG} characters", reviews), ("50,000 characters", huge)):
        rows.append([label, f"{len(texts):,}", f"{_speed(detector, texts):,.0f}", size, f"{load * 1000:.0f} ms", f"{loaded_peak / 1e6:.0f} MB"])
    return table(
        "Shipped detector (numpy, one core)",
        ["texts", "count", "texts/s", "model on disk", "load time", "memory after load"],
        rows,
    )
