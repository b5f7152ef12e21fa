"""Language identification and the detector on one core: each alone and together, as ingest runs them (target: the
two together at least 5,000 tweet-length texts/s). Ingest identifies a source's batch at once, then scores its
mentions one by one; BATCH is a typical page of a source (a webhook's single mention is identified alone: the first
row). Texts per CPU-second of this process (what one core of its own would do, however many others share the
machine), best of three rounds each, interleaved."""

from __future__ import annotations

import time
from collections.abc import Callable

from benchmarks.common import table
from benchmarks.ingest import DATA, corpus
from bot.classifier.base import SET_LANGUAGES
from bot.classifier.language import identify, identify_all, preload
from bot.classifier.linear import LinearClassifier
from bot.classifier.tsv import read_labelled

BRAND = ("Acme",)
ROUNDS = 3
BATCH = 100


def other_languages(total: int) -> list[str]:
    """`total` tweets taking each of the languages in turn."""
    paths = [DATA / name / "train.tsv" for name in SET_LANGUAGES]
    per_language = [read_labelled(path)[0] for path in paths if path.exists()]
    texts = []
    for i in range(total if per_language else 0):
        tweets = per_language[i % len(per_language)]
        texts.append(f"Acme: {tweets[i // len(per_language) % len(tweets)]}")
    return texts


def _rate(work: Callable[[list[str]], object], texts: list[str]) -> float:
    started = time.process_time()
    for start in range(0, len(texts), BATCH):
        work(texts[start : start + BATCH])
    return len(texts) / (time.process_time() - started)


def run(quick: bool) -> str:
    count = 5_000 if quick else 20_000
    started = time.process_time()
    preload()
    load = time.process_time() - started
    detector = LinearClassifier()
    # The detector alone is told each text's language as ingest tells it (identified here, off the clock).
    known: dict[str, str | None] = {}

    def one_by_one(batch: list[str]) -> None:
        for text in batch:
            identify(text, BRAND)

    def scored(batch: list[str]) -> None:
        for text in batch:
            detector.classify(text, brand_terms=BRAND, language=known[text])

    def both(batch: list[str]) -> None:
        for text, language in zip(batch, identify_all(batch, BRAND)):
            detector.classify(text, brand_terms=BRAND, language=language.known)

    kinds = {
        "language identification, one text at a time": one_by_one,
        f"language identification, {BATCH} at a time": lambda batch: identify_all(batch, BRAND),
        "detector": scored,
        "identification + detector, as ingest runs them": both,
    }
    rows = []
    for label, texts in (("English tweets", corpus(count)), ("tweets in 7 other languages (xlmt)", other_languages(count))):
        if not texts:
            continue
        known.update((text, language.known) for text, language in zip(texts, identify_all(texts, BRAND)))
        best = dict.fromkeys(kinds, 0.0)
        for _ in range(ROUNDS):
            for kind, work in kinds.items():
                best[kind] = max(best[kind], _rate(work, texts))
        rows += [[label, kind, f"{len(texts):,}", f"{rate:,.0f}"] for kind, rate in best.items()]
        ratio = best["identification + detector, as ingest runs them"] / best["detector"]
        rows.append([label, "identification + detector / detector", "", f"{ratio:.2f}"])
    title = f"Language identification and the detector, one core (identifier loaded in {load * 1000:.0f} ms of CPU)"
    return table(title, ["texts", "work", "count", "texts per CPU-second"], rows)
