"""Training the shipped detector (needs the `train` extra: scikit-learn, scipy, vaderSentiment).

Reproducible: fixed seed; every file read is recorded with its sha256. All choices are made on a 10 % validation
split of each TRAINING set, the one threshold on the English ones, except how long texts are combined (passage size,
temperature, the offset of a text read as several passages), chosen under that threshold on the long-text file
(reviews/dev.tsv), never used for fitting: 1,000 long reviews do not move where short texts are cut. The models are
then refitted on all training rows and shifted so that 0.5 is the chosen threshold: the config's default means what
it says.

What is fitted (see linear.py for how it is used):
- one logistic regression per training set (an "expert" in that kind of text,
  its regularisation chosen from EXPERT_C on its own validation split),
- one over all sets, each row weighted sqrt(REFERENCE_ROWS / rows in its set) so
  that no set dominates, blended into every expert (MIXES),
- a multinomial gate over the same features that says which set a text is like.
The sentiment lexicon (valences.py) becomes word-class features. The xlmt-* folders (tweets in es, fr, de, pt, it, ar
and romanised Hindi) are sets like the others, a text judged by its language's experts alone (linear.gate_offsets) here
as in use. The model records the languages it judges better than flagging everything (SET_LANGUAGES, CLAIM_MARGIN; other sets are English).

Generated rows (augment.py) join the fitting rows of the brand-directed sets (AUGMENTED_SETS), never their
validation rows: the numbers that choose the model stay measured on real texts only.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.classifier.adapter import sha256_of
from bot.classifier.augment import generated_rows
from bot.classifier.valences import lexicon
from bot.classifier.features import BUCKETS, Featurizer, real_words
from bot.classifier.base import SET_LANGUAGES, set_language
from bot.classifier.linear import MODEL_PATH, RESPELT, LinearClassifier, LinearModel, ModelSettings, gate_offsets, text_indices
from bot.classifier.metrics import negative_f1, scores
from bot.classifier.tsv import DataError, read_labelled

if TYPE_CHECKING:  # scipy and scikit-learn are the train extra's, imported where they are used
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

Rows = tuple["csr_matrix", np.ndarray]  # one set's rows: the feature matrix and the labels

C = 3.0
# Each expert's regularisation is chosen on its own validation split (sets differ a hundredfold in size).
EXPERT_C = (1.0, 3.0, 10.0)
REFERENCE_ROWS = 20_000
VALIDATION_SHARE = 0.1
MIXES = (0.4, 0.6, 0.8)
CUTS = np.round(np.arange(-3.0, 3.0, 0.05), 2)
TAUS = (1.0, 2.0, 4.0, 8.0)
PASSAGE_CHARS = (1, 160, 320)
LONG_SHIFTS = np.round(np.arange(-1.0, 2.01, 0.1), 2)
RECORD_PATH = MODEL_PATH.parent / "training-run.json"
AUGMENTED_SETS = ("complaints", "airline")
# A language is claimed when its dev F1 beats flagging every text by this much (as asked of it over VADER, TextBlob).
CLAIM_MARGIN = 0.05


@dataclass
class TrainingRun:
    seed: int
    data: dict[str, str]
    rows: int
    generated_rows: int
    mix: float
    expert_c: dict[str, float]
    settings: dict[str, float]
    shifts: dict[str, float]
    threshold_logit: float
    validation_f1: dict[str, float]
    long_text_f1: float | None
    dev_f1: dict[str, float] = field(default_factory=dict)
    unclaimed_languages: list[str] = field(default_factory=list)
    seconds: float = 0.0
    model_bytes: int = 0


def unclaimed(dev_f1: dict[str, float], flag_all: dict[str, float]) -> list[str]:
    """Languages the model judges no better than flagging every text (by CLAIM_MARGIN on dev.tsv): not claimed, so
    their mentions go where `[classifier] other_languages` says rather than being mis-scored."""
    return sorted(SET_LANGUAGES[name] for name, f1 in dev_f1.items() if name in SET_LANGUAGES and f1 < flag_all[name] + CLAIM_MARGIN)


def _matrix(featurizer: Featurizer, texts: list[str], respell: bool = True) -> csr_matrix:
    from scipy.sparse import csr_matrix

    indptr, indices, values = [0], [], []
    for text in texts:
        found = text_indices(featurizer, text, respell=respell)
        indices += found
        values += [1 / max(len(found), 1) ** 0.5] * len(found)
        indptr.append(len(indices))
    matrix = csr_matrix((values, indices, indptr), shape=(len(texts), BUCKETS))
    matrix.sum_duplicates()
    return matrix


@dataclass
class _Fitted:
    experts: np.ndarray  # (sets, BUCKETS)
    expert_bias: np.ndarray
    pooled: np.ndarray
    pooled_bias: float
    gate: np.ndarray  # (sets, BUCKETS)
    gate_bias: np.ndarray

    def parts(self, matrix: csr_matrix, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The experts' log-odds, the pooled model's and the gate's weights, for rows in one language (gate_offsets)."""
        gate = matrix @ self.gate.T + self.gate_bias + offsets
        gate = np.exp(gate - gate.max(axis=1, keepdims=True))
        return matrix @ self.experts.T + self.expert_bias, matrix @ self.pooled + self.pooled_bias, gate / gate.sum(axis=1, keepdims=True)


def _logistic(matrix: csr_matrix, labels: np.ndarray, seed: int, c: float = C, weights: np.ndarray | None = None) -> LogisticRegression:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, solver="liblinear", max_iter=3000, random_state=seed).fit(matrix, labels, sample_weight=weights)


def _expert_c(fit: dict[str, Rows], held: dict[str, Rows], seed: int) -> dict[str, float]:
    def validation_f1(name: str, c: float) -> float:
        model = _logistic(*fit[name], seed, c)
        matrix, labels = held[name]
        logits = matrix @ model.coef_[0] + model.intercept_[0]
        return negative_f1(labels, logits >= _best_cut(labels, logits))

    return {name: max(EXPERT_C, key=lambda c: validation_f1(name, c)) for name in fit}


def _fit(sets: dict[str, Rows], seed: int, expert_c: dict[str, float]) -> _Fitted:
    from scipy.sparse import vstack
    from sklearn.linear_model import LogisticRegression

    names = list(sets)
    experts = [_logistic(matrix, labels, seed, expert_c[name]) for name, (matrix, labels) in sets.items()]
    everything = vstack([matrix for matrix, _ in sets.values()]).tocsr()
    labels = np.concatenate([labels for _, labels in sets.values()])
    weights = np.concatenate([np.full(len(y), (REFERENCE_ROWS / len(y)) ** 0.5) for _, y in sets.values()])
    pooled = _logistic(everything, labels, seed, weights=weights)
    if len(names) > 1:
        kinds = np.concatenate([np.full(len(y), i) for i, (_, y) in enumerate(sets.values())])
        gate_model = LogisticRegression(C=C, max_iter=1000, class_weight="balanced", random_state=seed).fit(everything, kinds)
        gate, gate_bias = gate_model.coef_, gate_model.intercept_
        if len(names) == 2:  # a binary fit has one row, the log-odds of the second set: as a softmax, (-z/2, z/2)
            gate, gate_bias = np.vstack([-gate / 2, gate / 2]), np.concatenate([-gate_bias / 2, gate_bias / 2])
    else:
        gate, gate_bias = np.zeros((1, BUCKETS)), np.zeros(1)
    return _Fitted(
        np.vstack([m.coef_[0] for m in experts]), np.array([m.intercept_[0] for m in experts]),
        pooled.coef_[0], float(pooled.intercept_[0]), gate, gate_bias,
    )


def _best_cut(labels: np.ndarray, logits: np.ndarray) -> float:
    return float(max(CUTS, key=lambda cut: negative_f1(labels, logits >= cut)))


def _model(fitted: _Fitted, mix: float, shifts: np.ndarray, names: list[str], featurizer: Featurizer, settings: ModelSettings) -> LinearModel:
    experts = mix * fitted.experts + (1 - mix) * fitted.pooled
    bias = mix * fitted.expert_bias + (1 - mix) * fitted.pooled_bias - shifts
    weights = np.hstack([experts.T, fitted.gate.T]).astype(np.float32)
    languages = frozenset(map(set_language, names))
    biases = np.concatenate([bias, fitted.gate_bias]).astype(np.float32)
    return LinearModel(weights, biases, tuple(names), dict(featurizer.lexicon), settings, languages, featurizer.real_words)


def _augmented(sets: dict[str, tuple[Any, np.ndarray]], extra: tuple[Any, np.ndarray]) -> dict[str, tuple[Any, np.ndarray]]:
    """`sets` with the generated rows added to each of AUGMENTED_SETS."""
    from scipy.sparse import vstack
    matrix, labels = extra
    return {name: (vstack([m, matrix]).tocsr(), np.concatenate([y, labels])) if name in AUGMENTED_SETS else (m, y) for name, (m, y) in sets.items()}


def train(data_dirs: list[Path], out: Path = MODEL_PATH, seed: int = 13, long_texts: Path | None = None) -> TrainingRun:
    """Fit on every DIR/train.tsv; `long_texts` (a labelled TSV of long texts) chooses passage size, temperature and threshold."""
    started = time.monotonic()
    rng = np.random.default_rng(seed)
    classes, lexicon_path = lexicon()
    read = {d.name: read_labelled(d / "train.tsv") for d in data_dirs}
    if len(read) < len(data_dirs):
        raise DataError("training folders must have different names (each becomes an expert named after its folder)")
    names = list(read)
    # Respelling reads English: its common words are those of the English sets, and only English texts are respelt.
    featurizer = Featurizer(classes, real_words(text for name, (texts, _) in read.items() if set_language(name) == "en" for text in texts))
    full = {name: (_matrix(featurizer, texts, set_language(name) in RESPELT), np.array(labels)) for name, (texts, labels) in read.items()}
    fit_rows, held_rows = {}, {}
    for name, (_, labels) in full.items():
        order = rng.permutation(len(labels))
        held_count = max(1, int(len(labels) * VALIDATION_SHARE))
        held_rows[name], fit_rows[name] = np.sort(order[:held_count]), np.sort(order[held_count:])

    generated_texts, generated_labels = generated_rows(seed)
    extra = (_matrix(featurizer, generated_texts), np.array(generated_labels))
    fit = _augmented({name: (m[fit_rows[name]], y[fit_rows[name]]) for name, (m, y) in full.items()}, extra)
    expert_c = _expert_c(fit, {name: (m[held_rows[name]], y[held_rows[name]]) for name, (m, y) in full.items()}, seed)
    fitted = _fit(fit, seed, expert_c)
    own_language = {name: gate_offsets(tuple(names), set_language(name), frozenset(map(set_language, names))) for name in names}
    held = {name: (fitted.parts(m[held_rows[name]], own_language[name]), y[held_rows[name]]) for name, (m, y) in full.items()}

    def blended(mix: float, shifts: np.ndarray, name: str) -> np.ndarray:
        (experts, pooled, gate), _ = held[name]
        return ((mix * experts + (1 - mix) * pooled[:, None] - shifts) * gate).sum(axis=1)

    # Where each expert's 0 sits is placed on its validation rows and, where the set has one, its dev.tsv (dev files
    # are for choosing thresholds): a language set's validation split alone is under 200 rows.
    dev_paths = {d.name: d / "dev.tsv" for d in data_dirs if (d / "dev.tsv").exists()}
    placing = {name: (held[name][0][0], held[name][0][1], held[name][1]) for name in names}  # experts, pooled, labels
    for name, path in dev_paths.items():
        dev_texts, dev_labels = read_labelled(path)
        experts, pooled, _ = fitted.parts(_matrix(featurizer, dev_texts, set_language(name) in RESPELT), own_language[name])
        placing[name] = (np.vstack([placing[name][0], experts]), np.concatenate([placing[name][1], pooled]), np.concatenate([placing[name][2], dev_labels]))

    def shifts_for(mix: float) -> np.ndarray:
        # Each expert's own best cut on its own set: experts of sets with different base rates agree on where 0 is.
        return np.array([_best_cut(placing[name][2], mix * placing[name][0][:, i] + (1 - mix) * placing[name][1]) for i, name in enumerate(names)])

    def f1_per_set(mix: float, shifts: np.ndarray, cut: float, among: list[str] = names) -> list[float]:
        return [negative_f1(held[name][1], blended(mix, shifts, name) >= cut) for name in among]

    # The expert share and one threshold: the best mean F1 over the English sets (and the long texts), not per set. The
    # language sets (validation splits under 200 rows) are judged by their own experts alone, whose shifts place them.
    english = [name for name in names if set_language(name) == "en"] or names
    candidates = {mix: shifts_for(mix) for mix in MIXES}
    mix = max(MIXES, key=lambda m: max(np.mean(f1_per_set(m, candidates[m], c, english)) for c in CUTS))
    shifts = candidates[mix]
    settings = ModelSettings()
    cut = float(max(CUTS, key=lambda c: np.mean(f1_per_set(mix, shifts, c, english))))
    validation_f1 = {name: round(negative_f1(held[name][1], blended(mix, shifts, name) >= cut), 4) for name in names}
    long_f1 = None
    if long_texts is not None:
        # Passage size and temperature change how every text is read, short ones too: judge them all as `classify` will.
        long_read = read_labelled(long_texts)
        checks = {name: ([read[name][0][i] for i in held_rows[name]], held[name][1]) for name in english}
        checks[long_texts.parent.name] = (long_read[0], np.array(long_read[1]))
        best = -1.0
        for passage_chars in PASSAGE_CHARS:
            for tau in TAUS:
                trial = ModelSettings(tau=tau, passage_chars=passage_chars)
                judge = LinearClassifier(_model(fitted, mix, shifts, names, featurizer, trial)).judge
                judged = {name: [judge(t, language="en") for t in texts] for name, (texts, _) in checks.items()}
                logits = {name: np.array([j.logit for j in found]) for name, found in judged.items()}
                several = {name: np.array([j.passages > 1 for j in found]) for name, found in judged.items()}
                # A text read as several passages pools their log-odds: its own offset, placed under the short texts' threshold.
                for long_shift in LONG_SHIFTS:
                    found = {name: negative_f1(labels, logits[name] - long_shift * several[name] >= cut) for name, (_, labels) in checks.items()}
                    if np.mean(list(found.values())) > best:
                        best = float(np.mean(list(found.values())))
                        settings = ModelSettings(tau=tau, passage_chars=passage_chars, long_shift=float(long_shift))
                        long_f1 = found.pop(long_texts.parent.name)
                        validation_f1 |= {name: round(f1, 4) for name, f1 in found.items()}

    validation_f1 |= {name: round(negative_f1(held[name][1], blended(mix, shifts, name) >= cut), 4) for name in names if name not in english}

    final = _fit(_augmented(full, extra), seed, expert_c)
    model = _model(final, mix, shifts + cut, names, featurizer, settings)
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out)

    data = {f"{d.name}/train.tsv": sha256_of(d / "train.tsv") for d in data_dirs}
    data |= {f"{name}/dev.tsv (shifts)": sha256_of(path) for name, path in dev_paths.items()}
    data[f"vaderSentiment/{lexicon_path.name}"] = sha256_of(lexicon_path)
    if long_texts is not None:
        data[f"{long_texts.parent.name}/{long_texts.name}"] = sha256_of(long_texts)
    run = TrainingRun(
        seed=seed,
        data=data,
        rows=sum(len(y) for _, y in full.values()),
        generated_rows=len(generated_labels) * sum(name in AUGMENTED_SETS for name in names),
        mix=mix,
        expert_c=expert_c,
        settings=asdict(settings),
        shifts={name: round(float(s), 2) for name, s in zip(names, shifts)},
        threshold_logit=round(float(cut), 2),
        validation_f1=validation_f1,
        long_text_f1=None if long_f1 is None else round(long_f1, 4),
    )
    shipped = LinearClassifier(LinearModel.load(out))
    flag_all: dict[str, float] = {}
    for directory in [*data_dirs, *([long_texts.parent] if long_texts else [])]:
        if (directory / "dev.tsv").exists():  # a team's exported labels have none: training data only
            dev_texts, dev_labels = read_labelled(directory / "dev.tsv")
            language = set_language(directory.name)
            run.dev_f1[directory.name] = round(scores(dev_labels, [shipped.classify(t, language=language).score >= 0.5 for t in dev_texts])["f1"], 4)
            flag_all[directory.name] = negative_f1(np.array(dev_labels), np.ones(len(dev_labels), dtype=bool))
    run.unclaimed_languages = unclaimed(run.dev_f1, flag_all)
    if run.unclaimed_languages:
        model = replace(model, languages=model.languages - set(run.unclaimed_languages))
        model.save(out)
    run.seconds = round(time.monotonic() - started, 1)
    run.model_bytes = out.stat().st_size
    if out == MODEL_PATH:
        RECORD_PATH.write_text(json.dumps(asdict(run), indent=2) + "\n")
    return run
