"""Training the shipped detector (needs the `train` extra: scikit-learn, numpy).

Reproducible: fixed seed, data files recorded with their sha256, the
regularisation and the operating threshold chosen on a validation split of
the TRAINING data (the dev files are never used for choices), then the model
is refitted on all training data and shifted so that 0.5 is that threshold.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from array import array
from dataclasses import asdict, dataclass
from pathlib import Path

from bot.classifier.features import BUCKETS, bucket, extract
from bot.classifier.linear import MODEL_PATH, LinearClassifier, LinearModel
from bot.classifier.metrics import scores
from bot.classifier.tsv import read_labelled

C_GRID = (0.03, 0.06, 0.1, 0.25)
# The complaints set is the closest to this bot's job but the smallest; weigh its rows up.
SET_WEIGHTS = {"complaints": 3.0}
THRESHOLDS = [t / 100 for t in range(20, 81)]
RECORD_PATH = MODEL_PATH.parent / "training-run.json"


@dataclass
class TrainingRun:
    seed: int
    data: dict[str, str]
    rows: int
    c: float
    threshold_on_validation: float
    validation_f1: dict[str, float]
    dev_f1: dict[str, float]
    seconds: float
    model_bytes: int


def _matrix(texts: list[str]):  # type: ignore[no-untyped-def]
    from scipy.sparse import csr_matrix

    indptr, indices = [0], []
    for text in texts:
        indices.extend(sorted({bucket(name) for name in extract(text).names}))
        indptr.append(len(indices))
    return csr_matrix(([1.0] * len(indices), indices, indptr), shape=(len(texts), BUCKETS))


def _fit(matrix, labels: list[int], weights: list[float], c: float, seed: int):  # type: ignore[no-untyped-def]
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, solver="liblinear", max_iter=2000, random_state=seed)
    model.fit(matrix, labels, sample_weight=weights)
    return model


def train(data_dirs: list[Path], out: Path = MODEL_PATH, seed: int = 13) -> TrainingRun:
    import numpy as np

    started = time.monotonic()
    rng = np.random.default_rng(seed)
    sets = {d.name: read_labelled(d / "train.tsv") for d in data_dirs}
    train_texts, train_labels, train_weights, validation = [], [], [], {}
    for name, (texts, labels) in sets.items():
        order = rng.permutation(len(texts))
        cut = len(texts) // 10
        held = set(order[:cut].tolist())
        validation[name] = ([texts[i] for i in held], [labels[i] for i in held])
        train_texts += [t for i, t in enumerate(texts) if i not in held]
        train_labels += [y for i, y in enumerate(labels) if i not in held]
        train_weights += [SET_WEIGHTS.get(name, 1.0)] * (len(texts) - len(held))

    matrix = _matrix(train_texts)
    best = (-1.0, 0.0, 0.5)
    for c in C_GRID:
        model = _fit(matrix, train_labels, train_weights, c, seed)
        probabilities = {name: model.predict_proba(_matrix(texts))[:, 1] for name, (texts, _) in validation.items()}
        for threshold in THRESHOLDS:
            # One threshold for every kind of traffic: the mean F1 over the sets, not the best per set.
            mean_f1 = sum(scores(labels, [p >= threshold for p in probabilities[name]])["f1"] for name, (_, labels) in validation.items()) / len(validation)
            if mean_f1 > best[0]:
                best = (mean_f1, c, threshold)
    _, c, threshold = best
    held_model = _fit(matrix, train_labels, train_weights, c, seed)
    validation_f1 = {
        name: round(scores(labels, [p >= threshold for p in held_model.predict_proba(_matrix(texts))[:, 1]])["f1"], 4)
        for name, (texts, labels) in validation.items()
    }

    all_texts = [t for texts, _ in sets.values() for t in texts]
    all_labels = [y for _, labels in sets.values() for y in labels]
    all_weights = [SET_WEIGHTS.get(name, 1.0) for name, (texts, _) in sets.items() for _ in texts]
    final = _fit(_matrix(all_texts), all_labels, all_weights, c, seed)
    weights = final.coef_[0]
    scale = float(np.abs(weights).max()) / 32767 or 1.0
    quantised = array("h", np.round(weights / scale).astype(np.int16).tolist())
    # Shift so that 0.5 is the chosen operating point: the config's default threshold then means what it says.
    intercept = float(final.intercept_[0]) - math.log(threshold / (1 - threshold))
    out.parent.mkdir(parents=True, exist_ok=True)
    LinearModel(quantised, scale, intercept).save(out)

    shipped = LinearClassifier(LinearModel.load(out))
    dev_f1 = {}
    for directory in data_dirs:
        if not (directory / "dev.tsv").exists():  # e.g. a team's exported labels: training data only
            continue
        texts, labels = read_labelled(directory / "dev.tsv")
        dev_f1[directory.name] = round(scores(labels, [shipped.classify(t).score >= 0.5 for t in texts])["f1"], 4)
    run = TrainingRun(
        seed=seed,
        data={f"{d.name}/train.tsv": hashlib.sha256((d / "train.tsv").read_bytes()).hexdigest() for d in data_dirs},
        rows=len(all_texts),
        c=c,
        threshold_on_validation=threshold,
        validation_f1=validation_f1,
        dev_f1=dev_f1,
        seconds=round(time.monotonic() - started, 1),
        model_bytes=out.stat().st_size,
    )
    if out == MODEL_PATH:
        RECORD_PATH.write_text(json.dumps(asdict(run), indent=2) + "\n")
    return run
