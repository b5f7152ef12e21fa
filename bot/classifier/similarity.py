"""Near-duplicates (reposts, cross-posts, retweets) and volume spikes. Pure."""

from __future__ import annotations

import re
import statistics
import zlib
from dataclasses import dataclass

import numpy as np

BITS = 64
# Differing in at most this many of 64 bits counts as the same text (small edits, a different link).
NEAR = 10
MIN_WORDS = 4

_NOISE = re.compile(r"https?://\S+|www\.\S+|@\w+|^rt\b|\bvia\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9']+")


def _words(text: str) -> list[str]:
    return _WORD.findall(_NOISE.sub(" ", text.lower()))


def fingerprint(text: str) -> str | None:
    """A 64-bit SimHash of the words and word pairs, as 16 hex digits; None for texts too short to judge.

    Each bit is set where most shingle hashes have it set; numpy counts the bits of all hashes at once
    (the same value a bit-by-bit loop gives, about ten times faster: it runs for every mention stored).
    """
    words = _words(text)
    if len(words) < MIN_WORDS:
        return None
    shingles = [s.encode() for s in words + [f"{a} {b}" for a, b in zip(words, words[1:])]]
    hashes = np.array([zlib.crc32(s) | (zlib.crc32(s[::-1]) << 32) for s in shingles], dtype="<u8")
    ones = np.unpackbits(hashes.view(np.uint8), bitorder="little").reshape(-1, BITS).sum(axis=0)
    value = int(np.packbits(2 * ones > len(shingles), bitorder="little").view("<u8")[0])
    return f"{value:016x}"


class NearDuplicates:
    """Fingerprints of the open cases, in memory for one batch: one lookup is a vectorised scan of XORs, not a query.

    Of several cases a text is near, the oldest (the smallest id) is the one it joins.
    """

    def __init__(self, known: list[tuple[str, int]]) -> None:
        self._prints = np.array([int(fp, 16) for fp, _ in known], dtype=np.uint64)
        self._cases = np.array([case_id for _, case_id in known], dtype=np.int64)
        self._size = len(known)

    def find(self, print_: str | None) -> int | None:
        if not print_ or not self._size:
            return None
        near = np.bitwise_count(self._prints[: self._size] ^ np.uint64(int(print_, 16))) <= NEAR
        return int(self._cases[: self._size][near].min()) if near.any() else None

    def add(self, print_: str | None, case_id: int) -> None:
        if not print_:
            return
        if self._size == len(self._prints):  # grow by doubling: adding stays cheap in a long batch
            room = max(self._size, 64)
            self._prints = np.concatenate([self._prints, np.zeros(room, dtype=np.uint64)])
            self._cases = np.concatenate([self._cases, np.zeros(room, dtype=np.int64)])
        self._prints[self._size], self._cases[self._size] = int(print_, 16), case_id
        self._size += 1


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
