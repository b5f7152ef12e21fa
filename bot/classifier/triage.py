"""Beyond negative or not: severity, topics and a troll signal. Pure rules, configurable."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.classifier.config import ClassifierConfig
from bot.domain.enums import Severity

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
    alternatives = "|".join(re.escape(t) for t in sorted((t.lower() for t in terms), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _found(text: str, pattern: re.Pattern[str] | None, starts: Sequence[int]) -> list[str]:
    """The terms in the text, as `pattern.finditer` finds them, trying the pattern only at `starts` (where some
    term occurs): finditer's scan without the positions where nothing can match."""
    found: set[str] = set()
    resume = 0
    for start in starts if pattern is not None else ():
        if start >= resume and pattern is not None and (match := pattern.match(text, start)):
            found.add(match.group(0).lower())
            resume = match.end()
    return sorted(found)


@lru_cache(maxsize=64)
def _patterns(lists: tuple[tuple[str, ...], ...]) -> tuple[re.Pattern[str], list[re.Pattern[str] | None]]:
    """Each list's pattern, and one that stops at every position where any of the terms occurs as a whole phrase,
    in one reading of the text: the terms as a trie, so that each position tries the few terms that start with its
    character, not all of them. Backtracking tries every term that matches there, so it stops wherever a list's
    own pattern would match."""
    trie: dict[str, dict] = {}
    for term in (t for terms in lists for t in terms):
        node = trie
        for char in term.lower():
            node = node.setdefault(char, {})
        node[""] = {}
    return re.compile(rf"(?=(?<!\w){_alternatives(trie)}(?!\w))", re.IGNORECASE), [_phrases(terms) for terms in lists]


def _alternatives(node: dict[str, dict]) -> str:
    """The pattern of a trie node ("" marks the end of a term); a run of single letters is written as one, so that
    only forks recurse (a long term costs no deep recursion)."""
    branches = []
    for char, child in sorted(node.items()):
        if char:
            run = re.escape(char)
            while len(child) == 1 and "" not in child:
                ((char, child),) = child.items()
                run += re.escape(char)
            branches.append(run + _alternatives(child))
    if not branches:
        return ""
    return "(?:" + "|".join(branches + [""] * ("" in node)) + ")"


def assess(
    text: str,
    *,
    score: float,
    reach: int | None,
    rating: int | None,
    config: ClassifierConfig,
    author_recent_negative: int = 0,
) -> Triage:
    critical_terms, high_terms = config.urgent_terms.get("critical", []), config.urgent_terms.get("high", [])
    any_term, patterns = _patterns(tuple(map(tuple, [*config.topics.values(), critical_terms, high_terms, INSULTS])))
    # Where any term occurs, in one reading of the text: the lists are tried there only (most texts hold none).
    starts = [m.start() for m in any_term.finditer(text)]
    *topic_terms, critical, high, insults = [_found(text, pattern, starts) for pattern in patterns]
    topics = tuple(name for name, found in zip(config.topics, topic_terms) if found)
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
