"""The shipped detector: texts per second on one core, load time, size on disk, memory."""

from __future__ import annotations

import time
import tracemalloc

from benchmarks.common import table
from benchmarks.ingest import corpus
from bot.classifier.linear import MODEL_PATH, LinearClassifier


def run(quick: bool) -> str:
    texts = corpus(5_000 if quick else 20_000)
    tracemalloc.start()
    started = time.perf_counter()
    detector = LinearClassifier()
    load = time.perf_counter() - started
    _, loaded_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    started = time.perf_counter()
    for text in texts:
        detector.classify(text)
    speed = len(texts) / (time.perf_counter() - started)
    return table(
        "Shipped detector (pure Python, one core)",
        ["model on disk", "load time", "memory after load", "texts", "texts/s"],
        [[f"{MODEL_PATH.stat().st_size / 1024:.0f} KB", f"{load * 1000:.0f} ms", f"{loaded_peak / 1e6:.1f} MB", f"{len(texts):,}", f"{speed:,.0f}"]],
    )
