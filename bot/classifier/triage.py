"""Beyond negative or not: severity, topics and a troll signal. Pure rules, configurable."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.classifier.config import ClassifierConfig
from bot.db.enums import Severity

INSULTS = (
    "idiot", "idiots", "moron", "morons", "stupid", "dumb", "clowns", "losers", "scum", "trash", "garbage company",
    "go to hell", "die", "kys", "shut up", "pathetic", "f***", "fuck", "fucking", "shit", "crap", "suck", "sucks",
)
# This many negative mentions from one author in a week looks like a campaign rather than a customer.
REPEAT_AUTHOR = 5


@dataclass(frozen=True)
class Triage:
    severity: Severity
    topics: tuple[str, ...]
    troll: bool
    reasons: tuple[str, ...] = ()


@lru_cache(maxsize=256)
def _phrases(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    if not terms:
        return None
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _found(text: str, terms: list[str]) -> list[str]:
    pattern = _phrases(tuple(t.lower() for t in terms))
    return sorted({m.group(0).lower() for m in pattern.finditer(text)}) if pattern else []


def assess(
    text: str,
    *,
    score: float,
    reach: int | None,
    rating: int | None,
    config: ClassifierConfig,
    author_recent_negative: int = 0,
) -> Triage:
    topics = tuple(name for name, words in config.topics.items() if _found(text, words))
    critical = _found(text, config.urgent_terms.get("critical", []))
    high = _found(text, config.urgent_terms.get("high", []))
    insults = _found(text, list(INSULTS))
    reasons: list[str] = []

    repeat = author_recent_negative >= REPEAT_AUTHOR
    troll = repeat or (bool(insults) and not topics and not critical and not high and len(text) < 280)
    if troll:
        reasons.append("repeat author" if repeat else "abuse without specifics")

    if critical:
        severity = Severity.CRITICAL
        reasons.append("urgent: " + ", ".join(critical[:3]))
    elif high or (reach or 0) >= config.high_reach:
        severity = Severity.HIGH
        reasons.append("urgent: " + ", ".join(high[:3]) if high else f"reach {reach:,}")
    elif score >= 0.8 or rating == 1 or (reach or 0) >= config.high_reach // 10:
        severity = Severity.MEDIUM
    else:
        severity = Severity.LOW
    if troll and severity != Severity.CRITICAL:
        severity = Severity.LOW
    return Triage(severity, topics, troll, tuple(reasons))
