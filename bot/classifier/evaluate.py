"""`complaint-bot eval`: how well detectors find negative mentions in a labelled TSV, in one run."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.classifier.metrics import best_threshold, scores
from bot.classifier.tsv import DataError, read_labelled

Scorer = Callable[[str], float]  # higher = more negative


@dataclass(frozen=True)
class Row:
    detector: str
    precision: float
    recall: float
    f1: float
    macro_f1: float
    texts_per_second: float | None


def _timed_scores(scorer: Scorer, texts: list[str]) -> tuple[list[float], float]:
    started = time.perf_counter()
    values = [scorer(t) for t in texts]
    return values, len(texts) / max(time.perf_counter() - started, 1e-9)


def _row(name: str, labels: list[int], values: list[float], threshold: float, speed: float | None) -> Row:
    s = scores(labels, [v >= threshold for v in values])
    return Row(name, s["precision"], s["recall"], s["f1"], s["macro_f1"], speed)


def vader_scorer() -> Scorer:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    return lambda text: -analyzer.polarity_scores(text)["compound"]


def textblob_scorer() -> Scorer:
    from textblob import TextBlob

    return lambda text: -TextBlob(text).sentiment.polarity


def evaluate(path: Path, detectors: dict[str, Scorer], *, compare: bool, dev_path: Path | None, threshold: float) -> tuple[list[Row], list[str]]:
    texts, labels = read_labelled(path)
    rows, notes = [], []
    for name, scorer in detectors.items():
        values, speed = _timed_scores(scorer, texts)
        rows.append(_row(f"{name} (score >= {threshold:g})", labels, values, threshold, speed))
    if compare:
        tuning_path = dev_path or path.with_name("dev.tsv")
        same_file = not tuning_path.exists() or tuning_path.resolve() == path.resolve()
        if not tuning_path.exists():
            notes.append(f"No {tuning_path.name} beside {path.name}: baseline thresholds were chosen on the evaluated file.")
        elif same_file:
            notes.append(f"Baseline “best threshold” rows chose their threshold on {path.name} itself, which flatters them.")
        tuning_texts, tuning_labels = (texts, labels) if same_file else read_labelled(tuning_path)
        for name, make, standard, standard_label in (
            ("VADER", vader_scorer, 0.05, "compound <= -0.05"),
            ("TextBlob", textblob_scorer, 1e-9, "polarity < 0"),
        ):
            scorer = make()
            values, speed = _timed_scores(scorer, texts)
            rows.append(_row(f"{name} ({standard_label})", labels, values, standard, speed))
            tuned = best_threshold(tuning_labels, values if same_file else [scorer(t) for t in tuning_texts])
            rows.append(_row(f"{name} (best threshold on {tuning_path.name}: {-tuned:+.3f})", labels, values, tuned, None))
    return rows, notes


def evaluate_all(root: Path, detectors: dict[str, Scorer], *, threshold: float) -> list[tuple[str, int, list[Row], list[str]]]:
    """Every `SET/dev.tsv` under `root`: (set name, rows in the file, table rows, notes), baselines tuned on the file itself."""
    paths = sorted(root.glob("*/dev.tsv"))
    if not paths:
        raise DataError(f"{root}: no SET/dev.tsv files")
    results = []
    for path in paths:
        rows, notes = evaluate(path, detectors, compare=True, dev_path=path, threshold=threshold)
        results.append((path.parent.name, len(read_labelled(path)[0]), rows, notes))
    return results


def table(rows: list[Row]) -> str:
    lines = ["| detector | precision | recall | f1 | macro-f1 | texts/s |", "|---|---|---|---|---|---|"]
    for r in rows:
        speed = f"{r.texts_per_second:,.0f}" if r.texts_per_second is not None else ""
        lines.append(f"| {r.detector} | {r.precision:.3f} | {r.recall:.3f} | {r.f1:.3f} | {r.macro_f1:.3f} | {speed} |")
    return "\n".join(lines)
