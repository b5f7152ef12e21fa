"""Beyond negative or not: severity, topics and a troll signal. Pure rules, configurable."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.classifier.config import ClassifierConfig
from bot.domain.enums import Severity
from bot.domain.matching import after, before, fold, whole_words

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
    return whole_words(terms)


def _found(text: str, pattern: re.Pattern[str] | None, starts: Sequence[int]) -> list[str]:
    """The (folded) terms in the folded text, as `pattern.finditer` finds them, trying the pattern only at `starts`
    (where some term occurs): finditer's scan without the positions where nothing can match."""
    found: set[str] = set()
    resume = 0
    for start in starts if pattern is not None else ():
        if start >= resume and pattern is not None and (match := pattern.match(text, start)):
            found.add(match.group(0))
            resume = match.end()
    return sorted(found)


@lru_cache(maxsize=64)
def _patterns(lists: tuple[tuple[str, ...], ...]) -> tuple[re.Pattern[str], list[re.Pattern[str] | None], dict[str, str]]:
    """Each list's pattern, one that stops at every position where any of the terms occurs as a whole phrase, in
    one reading of the folded text, and each folded term's configured spelling (for reasons). The terms make a
    trie, so that each position tries the few terms that start with its character, not all of them. Backtracking
    tries every term that matches there, so it stops wherever a list's own pattern would match."""
    trie: dict[str, dict] = {}
    spellings: dict[str, str] = {}
    for term in (t for terms in lists for t in terms if t.strip()):
        folded = fold(term)
        spellings.setdefault(folded, term.lower())
        node = trie
        for char in folded:
            node = node.setdefault(char, {})
        node[""] = {}
    return re.compile(f"(?={_alternatives(trie)})"), [_phrases(terms) for terms in lists], spellings


def _alternatives(node: dict[str, dict], last: str = "") -> str:
    """The pattern of a trie node ("" marks the end of a term; `last` is the character that led here); a run of
    single letters is written as one, so that only forks recurse (a long term costs no deep recursion). Whole
    words as bot/domain/matching.py has them: the root's branches are grouped behind their script's lookbehind
    (one check per position for terms in one script), each term's end is its last character's lookahead."""
    branches: list[tuple[str, str]] = []
    for char, child in sorted(node.items()):
        if char:
            first, run = char, re.escape(char)
            while len(child) == 1 and "" not in child:
                ((char, child),) = child.items()
                run += re.escape(char)
            branches.append((first, run + _alternatives(child, char)))
    if not last:
        scripts: dict[str, list[str]] = {}
        for first, branch in branches:
            scripts.setdefault(before(first), []).append(branch)
        return "(?:" + "|".join(f"{look}(?:{'|'.join(group)})" for look, group in scripts.items()) + ")"
    alternatives = [branch for _, branch in branches] + ([after(last)] if "" in node else [])
    return "(?:" + "|".join(alternatives) + ")" if alternatives else ""


def assess(
    text: str,
    *,
    score: float,
    reach: int | None,
    rating: int | None,
    config: ClassifierConfig,
    author_recent_negative: int = 0,
    language: str | None = None,
) -> Triage:
    """`language`: the mention's (a code), whose own keywords ([classifier.languages.<code>]) join the configured ones."""
    topic_lists, urgent = config.terms_for(language)
    any_term, patterns, spellings = _patterns(tuple(map(tuple, [*topic_lists.values(), urgent["critical"], urgent["high"], INSULTS])))
    # Where any term occurs, in one reading of the text: the lists are tried there only (most texts hold none).
    folded = fold(text)
    starts = [m.start() for m in any_term.finditer(folded)]
    *topic_terms, critical, high, insults = [[spellings[t] for t in _found(folded, pattern, starts)] for pattern in patterns]
    topics = tuple(name for name, found in zip(topic_lists, topic_terms) if found)
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
