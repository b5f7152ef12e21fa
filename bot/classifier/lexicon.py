"""A small hand-written complaint lexicon: transparent, no training, no download."""

from __future__ import annotations

import math

from bot.classifier.base import Classification
from bot.classifier.features import normalise, tokens_with_negation
from bot.classifier.linear import rated

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


class LexiconClassifier:
    name = "lexicon"

    def classify(self, text: str, *, rating: int | None = None) -> Classification:
        hits: list[str] = []
        total = -1.0
        for token in tokens_with_negation(normalise(text)):
            negated = token.startswith("neg_")
            word = token.removeprefix("neg_")
            if word in NEGATIVE:
                total += -0.5 if negated else 1.5
                hits.append(f"“not {word}”" if negated else f"“{word}”")
            elif word in POSITIVE:
                total += 1.0 if negated else -1.0
                if negated:
                    hits.append(f"“not {word}”")
        score = 1 / (1 + math.exp(-total))
        reasons = hits[:3]
        if rating is not None:
            score, reason = rated(score, rating)
            reasons.insert(0, reason)
        return Classification(round(score, 4), tuple(reasons))
