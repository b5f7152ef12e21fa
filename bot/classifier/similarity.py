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


class NearDuplicates:
    """Fingerprints of the open cases, in memory for one batch: one lookup is a scan of XORs, not a query."""

    def __init__(self, known: list[tuple[str, int]]) -> None:
        self._known = [(int(fp, 16), case_id) for fp, case_id in known]

    def find(self, print_: str | None) -> int | None:
        if not print_:
            return None
        value = int(print_, 16)
        return next((case_id for other, case_id in self._known if (value ^ other).bit_count() <= NEAR), None)

    def add(self, print_: str | None, case_id: int) -> None:
        if print_:
            self._known.append((int(print_, 16), case_id))


@dataclass(frozen=True)
class Spike:
    key: str
    today: int
    baseline: float


def spikes(
    today: dict[str, int], history: dict[str, list[int]], *, minimum: int = 5, ratio: float = 3.0, min_history_days: int = 3
) -> list[Spike]:
    """Keys whose count today is at least `minimum` and `ratio` times their usual day (median of history).

    Without `min_history_days` of history there is no usual day to compare with: no spike.
    """
    found = []
    for key, count in today.items():
        past = history.get(key, [])
        if len(past) < min_history_days:
            continue
        usual = statistics.median(past)
        if count >= minimum and count >= ratio * max(usual, 1.0):
            found.append(Spike(key, count, usual))
    return sorted(found, key=lambda s: s.today / max(s.baseline, 1.0), reverse=True)
