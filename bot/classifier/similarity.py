"""Near-duplicates (reposts, cross-posts, retweets) and volume spikes. Pure."""

from __future__ import annotations

import re
import statistics
import zlib
from dataclasses import dataclass

BITS = 64
# Differing in at most this many of 64 bits counts as the same text (small edits, a different link).
NEAR = 10
MIN_WORDS = 4

_NOISE = re.compile(r"https?://\S+|www\.\S+|@\w+|^rt\b|\bvia\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9']+")


def _words(text: str) -> list[str]:
    return _WORD.findall(_NOISE.sub(" ", text.lower()))


def fingerprint(text: str) -> str | None:
    """A 64-bit SimHash of the words and word pairs, as 16 hex digits; None for texts too short to judge."""
    words = _words(text)
    if len(words) < MIN_WORDS:
        return None
    shingles = words + [f"{a} {b}" for a, b in zip(words, words[1:])]
    votes = [0] * BITS
    for shingle in shingles:
        h = zlib.crc32(shingle.encode()) | (zlib.crc32(shingle.encode()[::-1]) << 32)
        for bit in range(BITS):
            votes[bit] += 1 if h >> bit & 1 else -1
    value = sum(1 << bit for bit in range(BITS) if votes[bit] > 0)
    return f"{value:016x}"


def is_near_duplicate(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return bin(int(a, 16) ^ int(b, 16)).count("1") <= NEAR


@dataclass(frozen=True)
class Spike:
    key: str
    today: int
    baseline: float


def spikes(today: dict[str, int], history: dict[str, list[int]], *, minimum: int = 5, ratio: float = 3.0) -> list[Spike]:
    """Keys whose count today is at least `minimum` and `ratio` times their usual day (median of history)."""
    found = []
    for key, count in today.items():
        usual = statistics.median(history.get(key) or [0])
        if count >= minimum and count >= ratio * max(usual, 1.0):
            found.append(Spike(key, count, usual))
    return sorted(found, key=lambda s: s.today / max(s.baseline, 1.0), reverse=True)
