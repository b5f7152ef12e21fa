"""A small hand-written complaint lexicon: transparent, no training, no download."""

from __future__ import annotations

import math
from collections.abc import Sequence

from bot.classifier.base import ENGLISH, Classification
from bot.classifier.features import normalise, tokens_with_negation
from bot.classifier.linear import rated
from bot.classifier.passages import clean, sentences

NEGATIVE = {
    "angry", "annoyed", "annoying", "appalling", "awful", "bad", "broken", "bug", "buggy", "cancel", "cancelled", "charged",
    "complaint", "crash", "crashed", "crashes", "delay", "delayed", "disappointed", "disappointing", "disgusted", "down",
    "error", "fail", "failed", "failure", "fault", "faulty", "frustrated", "frustrating", "furious", "garbage", "hate",
    "horrible", "ignored", "issue", "joke", "late", "lied", "lost", "mess", "missing", "never", "nightmare", "outage",
    "overcharged", "pathetic", "poor", "problem", "refund", "ridiculous", "rip", "rude", "sad", "scam", "shame", "slow",
    "sucks", "terrible", "unacceptable", "unhappy", "unusable", "upset", "useless", "waiting", "waste", "worse", "worst",
    "wrong", "emoji_negative", "emoticon_negative",
}
POSITIVE = {
    "amazing", "awesome", "best", "brilliant", "excellent", "fantastic", "fast", "good", "great", "happy", "helpful",
    "love", "loved", "lovely", "nice", "perfect", "quick", "recommend", "thank", "thanks", "wonderful", "works",
    "emoji_positive", "emoticon_positive",
}


def _weight(sentence: str) -> float:
    total = 0.0
    for token in tokens_with_negation(normalise(sentence)):
        negated = token.startswith("neg_")
        word = token.removeprefix("neg_").removeprefix("tag_")
        if word in NEGATIVE:
            total += -0.5 if negated else 1.5
        elif word in POSITIVE:
            total += 1.0 if negated else -1.0
    return total


class LexiconClassifier:
    name = "lexicon"
    supported_languages = ENGLISH  # its word lists are English

    def classify(self, text: str, *, rating: int | None = None, brand_terms: Sequence[str] = (), language: str | None = None) -> Classification:
        said = sentences(clean(text))
        weights = [_weight(s) for s in said]
        score = 1 / (1 + math.exp(-(sum(weights) - 1.0)))
        worst = max(range(len(said)), key=weights.__getitem__, default=None)
        evidence = said[worst][:300] if worst is not None and weights[worst] > 0 else ""
        reasons: tuple[str, ...] = ()
        if rating is not None:
            score, reason = rated(score, rating)
            reasons = (reason,)
        return Classification(round(score, 4), reasons, evidence)
