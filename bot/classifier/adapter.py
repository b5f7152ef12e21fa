"""The team's own model: a small adapter stacked on the shipped detector, fitted on the team's labels alone.

Only numpy: it trains on a fresh install, with nothing beside the package (no public data sets, no
scikit-learn). The shipped detector stays a black box: the adapter sees its text-level log-odds
(`LinearClassifier.judge`) and hashed words of the text, and fits one logistic regression

    logit = shipped_logit + gate * ((scale - 1) * shipped_logit + bias + weights of the text's own features)

penalised towards "change nothing" (scale 1, bias 0, no feature weights). The gate is how much a
text speaks the team's language: the share of its content words that the team's own texts use
(0 below GATE_LOW, 1 from GATE_HIGH). A hotel review or a tweet about the weather shares few words
with a bank's mentions, so it scores as the shipped model scores it: the adapter learns a domain
without unlearning the rest. The file records the sha256 of the shipped model it was fitted on,
and is refused over any other: a retrained shipped model gives different log-odds, on which these
weights mean nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import cached_property, lru_cache
from itertools import pairwise
from pathlib import Path

import numpy as np

from bot.classifier.passages import clean

FORMAT = "complaint-bot-adapter/1"
BUCKETS = 1 << 18
MIN_ROWS = 50
MIN_PER_CLASS = 10
# L2 weight of the feature weights and of (scale - 1, bias), per row of training data (the loss is a mean).
FEATURE_PENALTY = 1e-4
SHIFT_PENALTY = 0.3
ITERATIONS = 1500
# The share of a text's content words found in the team's vocabulary at which the adapter starts / fully applies.
GATE_LOW, GATE_HIGH = 0.2, 0.45
# A word is the team's vocabulary once this many of their texts use it.
VOCABULARY_MIN_TEXTS = 2
STOPWORDS = frozenset(
    "the and but for with from are was were been its this that these those you your she they them their his her not "
    "have has had just very too can will would could should than then there here what when where who how why all any "
    "some more most about into out over only also get got our one".split()
)
_WORD = re.compile(r"[a-z][a-z']+")
NEGATORS = frozenset({"not", "no", "never", "nothing", "nobody", "none", "cannot", "without", "hardly", "barely"})
_TOKEN = re.compile(r"[a-z0-9']+|[.,!?;:]")
_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"@\w+")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])\s+|\s*\n\s*")
MAX_SENTENCES = 64


def _bucket(name: str) -> int:
    return zlib.crc32(name.encode()) & (BUCKETS - 1)


@lru_cache(maxsize=1 << 16)
def _word_features(token: str) -> tuple[int, ...]:
    word = token.removeprefix("neg_")
    padded = f" {word[:20]} "
    grams = [f"c:{padded[i:i + n]}" for n in (3, 4, 5) for i in range(len(padded) - n + 1)]
    return tuple(_bucket(name) for name in [f"w:{token}", *grams])


def _sentence_features(sentence: str) -> list[int]:
    lowered = _HANDLE.sub(" user ", _URL.sub(" url ", sentence)).lower().replace("’", "'").replace("n't", " not")
    words: list[str] = []
    negating = False
    for token in _TOKEN.findall(lowered):
        if not token[0].isalnum():
            negating = False
            continue
        words.append(f"neg_{token}" if negating else token)
        negating = negating or token in NEGATORS
    found = [i for word in words for i in _word_features(word)]
    return found + [_bucket(f"b:{a} {b}") for a, b in pairwise(words)]


def features(text: str) -> tuple[np.ndarray, np.ndarray]:
    """The adapter's own hashed features of a text, as (buckets, values): the mean of its sentences' vectors.

    A sentence is its words (marked after a negator), word pairs and character n-grams, scaled by
    1/sqrt(how many). The mean over sentences keeps a long post's shift as bounded as a tweet's.
    Its own features, not the shipped Featurizer: a new shipped model may read texts differently,
    and the adapter's file must mean the same thing whatever the shipped code does.
    """
    said = [s for s in _SENTENCE_BREAK.split(clean(text)) if s.strip()][:MAX_SENTENCES] or [""]
    buckets: list[int] = []
    values: list[float] = []
    for sentence in said:
        found = _sentence_features(sentence)
        if not found:
            continue
        buckets += found
        values += [1 / (np.sqrt(len(found)) * len(said))] * len(found)
    return np.asarray(buckets, dtype=np.int64), np.asarray(values, dtype=np.float64)


def content_words(text: str) -> list[int]:
    """Hashes of the text's words of three letters or more, stopwords aside: what the gate compares."""
    return [zlib.crc32(w.encode()) for w in _WORD.findall(clean(text).lower()) if len(w) > 2 and w not in STOPWORDS]


def vocabulary(texts: Sequence[str]) -> np.ndarray:
    """The content words (hashed, sorted) that at least VOCABULARY_MIN_TEXTS of `texts` use."""
    counts: dict[int, int] = {}
    for text in texts:
        for word in set(content_words(text)):
            counts[word] = counts.get(word, 0) + 1
    return np.array(sorted(w for w, c in counts.items() if c >= VOCABULARY_MIN_TEXTS), dtype=np.int64)


def gate(text: str, known: frozenset[int]) -> float:
    words = content_words(text)
    share = sum(w in known for w in words) / len(words) if words else 0.0
    return min(max((share - GATE_LOW) / (GATE_HIGH - GATE_LOW), 0.0), 1.0)


class AdapterError(ValueError):
    """The team's labels cannot train an adapter; the message says why."""


@dataclass(frozen=True)
class Provenance:
    base_sha256: str
    rows: int
    complaints: int
    created: str  # ISO 8601, UTC
    labels: str  # the file trained on
    labels_sha256: str


@dataclass(frozen=True)
class Adapter:
    indices: np.ndarray  # sorted feature buckets with a weight
    weights: np.ndarray
    scale: float
    bias: float
    words: np.ndarray  # the team's vocabulary, for the gate
    provenance: Provenance

    @cached_property
    def known(self) -> frozenset[int]:
        return frozenset(self.words.tolist())

    def shift(self, text: str) -> float:
        """The feature part of the adapter's logit for a text."""
        buckets, values = features(text)
        if not len(self.indices) or not len(buckets):
            return 0.0
        at = np.minimum(np.searchsorted(self.indices, buckets), len(self.indices) - 1)
        hits = self.indices[at] == buckets
        return float(self.weights[at[hits]] @ values[hits])

    def logit(self, shipped_logit: float, text: str) -> float:
        opened = gate(text, self.known)
        if not opened:
            return shipped_logit
        return shipped_logit + opened * ((self.scale - 1) * shipped_logit + self.bias + self.shift(text))

    def to_bytes(self) -> bytes:
        """The .npz file's bytes (np.load reads them without pickle)."""
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            format=np.array(FORMAT),
            indices=self.indices.astype(np.int32),
            weights=self.weights.astype(np.float32),
            numbers=np.array([self.scale, self.bias], dtype=np.float64),
            words=self.words.astype(np.uint32),
            provenance=np.array(json.dumps(asdict(self.provenance))),
        )
        return buffer.getvalue()

    @classmethod
    def from_arrays(cls, data: np.lib.npyio.NpzFile) -> Adapter:
        """From an opened .npz whose `format` is FORMAT; KeyError or ValueError when a part is missing or malformed."""
        indices, weights, numbers = data["indices"].astype(np.int64), data["weights"].astype(np.float64), data["numbers"]
        words = data["words"].astype(np.int64)
        if indices.shape != weights.shape or indices.ndim != 1 or numbers.shape != (2,) or not np.all(np.diff(indices) > 0):
            raise ValueError("its arrays do not fit together")
        provenance = Provenance(**json.loads(str(data["provenance"])))
        return cls(indices, weights, float(numbers[0]), float(numbers[1]), words, provenance)


def check_labels(texts: Sequence[str], labels: Sequence[int], origin: str) -> None:
    complaints = sum(labels)
    if len(labels) < MIN_ROWS or min(complaints, len(labels) - complaints) < MIN_PER_CLASS:
        raise AdapterError(
            f"{origin}: {len(labels)} labelled rows ({complaints} complaints, {len(labels) - complaints} not); "
            f"training needs at least {MIN_ROWS}, with at least {MIN_PER_CLASS} of each label (1 = complaint, 0 = not)"
        )


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def fit(texts: Sequence[str], labels: Sequence[int], shipped_logits: Sequence[float], provenance: Provenance) -> Adapter:
    """Penalised logistic regression, full-batch Nesterov gradient descent over the features the texts show.

    The design matrix is kept as (row, column, value) triples and multiplied with np.bincount: a team's
    export of tens of thousands of rows fits in memory, and the result is the same on every machine.
    """
    words = vocabulary(texts)
    known = frozenset(words.tolist())
    gates = np.array([gate(t, known) for t in texts])
    per_text = [features(t) for t in texts]
    used, columns = np.unique(np.concatenate([b for b, _ in per_text]), return_inverse=True)
    rows = np.repeat(np.arange(len(texts)), [len(b) for b, _ in per_text])
    values = np.concatenate([v for _, v in per_text]) * gates[rows]
    y = np.asarray(labels, dtype=np.float64)
    base = np.asarray(shipped_logits, dtype=np.float64)
    # The shipped logit's column enters scaled to unit size, so one step size suits every parameter.
    spread = float(np.sqrt(np.mean(base**2))) or 1.0
    scaled_base, n, k = gates * base / spread, len(texts), len(used)
    # A bound on the curvature of the mean logistic loss: the step never overshoots.
    row_norms = np.bincount(rows, weights=values**2, minlength=n) + scaled_base**2 + gates**2
    step = 1.0 / (0.25 * float(row_norms.max()) + max(FEATURE_PENALTY, SHIFT_PENALTY))

    def gradient(theta: np.ndarray) -> np.ndarray:
        w, more_scale, bias = theta[:k], theta[k], theta[k + 1]
        z = base + np.bincount(rows, weights=values * w[columns], minlength=n) + more_scale * scaled_base + bias * gates
        residual = (_sigmoid(z) - y) / n
        return np.concatenate([
            np.bincount(columns, weights=values * residual[rows], minlength=k) + FEATURE_PENALTY * w,
            [residual @ scaled_base + SHIFT_PENALTY * more_scale, residual @ gates + SHIFT_PENALTY * bias],
        ])

    theta = np.zeros(k + 2)  # where it changes nothing
    previous = theta.copy()
    for iteration in range(1, ITERATIONS + 1):
        lookahead = theta + (iteration - 1) / (iteration + 2) * (theta - previous)
        previous, theta = theta, lookahead - step * gradient(lookahead)
    keep = np.abs(theta[:k]) > 1e-6
    return Adapter(used[keep], theta[:k][keep], 1.0 + float(theta[k] / spread), float(theta[k + 1]), words, provenance)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
