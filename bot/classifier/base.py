"""The interface every negativity detector shares."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Classification:
    # Probability-like negativity in [0, 1]; the pipeline routes at or above the configured threshold.
    score: float
    # Short reasons that are not words of the text ("1-star review"); never lists of single words.
    reasons: tuple[str, ...] = field(default_factory=tuple)
    # The passage (a sentence or a short run of them) that weighed most, as plain unescaped text of at most
    # ~300 characters; "" when nothing stands out. Renderers escape it.
    evidence: str = ""


ENGLISH: frozenset[str] = frozenset({"en"})
# The language of each training set that is not English, by the set's folder name (ISO 639-1; "hi" is romanised Hindi).
# Here, not beside the model: the CLI lists the sets before any model is loaded.
SET_LANGUAGES = {"xlmt-spanish": "es", "xlmt-french": "fr", "xlmt-german": "de", "xlmt-portuguese": "pt", "xlmt-italian": "it", "xlmt-arabic": "ar", "xlmt-hindi": "hi"}


def set_language(name: str) -> str:
    """A training set's language, by its folder name: a set SET_LANGUAGES does not name is English."""
    return SET_LANGUAGES.get(name, "en")


class Classifier(Protocol):
    name: str
    # ISO 639-1 codes of the languages it can judge ("hi": romanised Hindi); a mention in another language is
    # not scored by it (the caller decides: route unscored, skip, or ask the LLM).
    supported_languages: frozenset[str]

    def classify(self, text: str, *, rating: int | None = None, brand_terms: Sequence[str] = (), language: str | None = None) -> Classification:
        """`brand_terms`: the brand's names (case-insensitive whole words); passages naming it weigh more.
        `language`: the text's identified language (ISO 639-1), None when undetermined."""
        ...


class ModelError(Exception):
    """A model file cannot be used; the message names the file and says why, in one line."""
