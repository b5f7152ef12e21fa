"""Negative-mention detection: the shipped model, a lexicon, and optional transformers / LLM backends.

Its place in the layers (what it may import, and why): docs/architecture.md.
"""

from __future__ import annotations

from bot.classifier.base import Classification, Classifier
from bot.classifier.config import ClassifierConfig


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


__all__ = ["Classification", "Classifier", "ClassifierConfig", "load_classifier"]
