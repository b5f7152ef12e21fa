"""Negative-mention detection: the shipped model, a lexicon, and optional transformers / LLM backends.

Its place in the layers (what it may import, and why): docs/architecture.md.
"""

from __future__ import annotations

import importlib.util
import sys

from bot.classifier.base import ENGLISH, Classification, Classifier
from bot.classifier.config import ClassifierConfig


def backend_unavailable(backend: str) -> str | None:
    """Why this backend cannot run on this install (a package it needs is missing), in one line; None when it can."""
    if backend == "transformers" and "transformers" not in sys.modules and importlib.util.find_spec("transformers") is None:
        return "the transformers backend needs the transformers package, which is not installed: pip install transformers torch"
    return None


def supported_languages(classifier: Classifier) -> frozenset[str]:
    """The languages (ISO 639-1; "hi" for romanised Hindi) the detector can judge; a mention confidently in another
    is handled by [classifier] other_languages instead of being mis-scored. The one place this is read; a detector
    that says nothing of its languages was trained on English alone."""
    languages: frozenset[str] = getattr(classifier, "supported_languages", ENGLISH)
    return languages


def load_classifier(config: ClassifierConfig | None = None) -> Classifier:
    config = config or ClassifierConfig()
    if config.backend == "lexicon":
        from bot.classifier.lexicon import LexiconClassifier

        return LexiconClassifier()
    from bot.classifier.linear import LinearClassifier

    if config.backend == "transformers":
        from bot.classifier.optional import TransformersClassifier

        return TransformersClassifier(config)
    if config.backend == "llm":
        from bot.classifier.optional import LlmClassifier

        return LlmClassifier(config, fallback=LinearClassifier())
    return LinearClassifier()


__all__ = ["Classification", "Classifier", "ClassifierConfig", "backend_unavailable", "load_classifier", "supported_languages"]
