"""`complaint-bot train --add`: fit the team's adapter on their exported labels, with nothing but the installed package."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.classifier import adapter
from bot.classifier.language import identify_all
from bot.classifier.linear import MODEL_PATH, LinearClassifier
from bot.classifier.metrics import scores
from bot.classifier.models import save_new, shipped_sha256
from bot.classifier.tsv import DataError, read_labelled

# What the check before saving holds back from fitting, to show how the adapter does on texts it has not seen.
CHECK_SHARE = 0.2
PACKAGE = MODEL_PATH.parents[2]  # the installed `bot` package: train never writes below it


@dataclass(frozen=True)
class Taught:
    path: Path
    rows: int
    complaints: int
    # F1 of the complaint class on the held-back share, before (shipped) and after (adapter fitted on the rest).
    check_rows: int
    shipped_f1: float
    adapted_f1: float


def labels_file(given: Path) -> Path:
    """A folder as export-labels writes it (FOLDER/train.tsv), or the TSV itself."""
    return given / "train.tsv" if given.is_dir() else given


def _fit(texts: list[str], labels: list[int], logits: list[float], source: Path) -> adapter.Adapter:
    provenance = adapter.Provenance(
        base_sha256=shipped_sha256(), rows=len(texts), complaints=sum(labels),
        created=datetime.now(UTC).isoformat(timespec="seconds"), labels=str(source), labels_sha256=adapter.sha256_of(source),
    )
    return adapter.fit(texts, labels, logits, provenance)


def teach(given: Path, out: Path, seed: int = 13) -> Taught:
    """Check the labels, measure on a held-back share, fit on all of them, write `out` (nothing is written on any error)."""
    source = labels_file(given)
    texts, labels = read_labelled(source)
    adapter.check_labels(texts, labels, str(source))
    if out.exists():
        raise DataError(f"{out}: already exists; give --out a new file name (model files are never overwritten)")
    if out.suffix != ".npz":
        raise DataError(f"{out}: a model file name ends in .npz")
    if out.resolve().is_relative_to(PACKAGE.resolve()):
        raise DataError(f"{out}: inside the installed package; write the team's model to the data directory (see `complaint-bot model list`)")

    shipped = LinearClassifier()
    # Each label's text in its identified language, as the running bot will read it.
    logits = [shipped.judge(t, language=found.known).logit for t, found in zip(texts, identify_all(texts, ()))]
    order = list(range(len(texts)))
    random.Random(seed).shuffle(order)
    held = set(order[: int(len(order) * CHECK_SHARE)])
    fitted = [i for i in order if i not in held]
    trial = _fit([texts[i] for i in fitted], [labels[i] for i in fitted], [logits[i] for i in fitted], source)
    truth = [labels[i] for i in sorted(held)]
    before = scores(truth, [logits[i] >= 0 for i in sorted(held)])["f1"]
    after = scores(truth, [trial.logit(logits[i], texts[i]) >= 0 for i in sorted(held)])["f1"]

    final = _fit(texts, labels, logits, source)
    written = save_new(out.parent, final.to_bytes(), out.name)
    return Taught(written, len(texts), sum(labels), len(held), before, after)
