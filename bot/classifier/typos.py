"""Words one typo away from a vocabulary's words. Pure.

Mentions are typed fast: "probem", "Nveer", "compaints". The words that turn a sentence around (negators, and the
sentiment words a negator or a sarcasm marker acts on) must still be found when misspelt, or one typo flips a
verdict ("Never had a single probem" read as a complaint). A typo here is what fast typing makes: a letter dropped,
a letter added or doubled, or two neighbours swapped; not a letter replaced, which turns too many real words into
others ("share" into "shame"). Only words of at least MIN_LENGTH letters are matched, on the same first letter.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

MIN_LENGTH = 5


def _dropped(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


class Near:
    """`find(word)`: the vocabulary's word that `word` is, or is one typo away from; None if none."""

    def __init__(self, vocabulary: Iterable[str], cache_size: int = 1 << 14) -> None:
        self.words = frozenset(vocabulary)
        self._with_one_dropped: dict[str, str] = {}
        for word in sorted(self.words):
            if len(word) >= MIN_LENGTH:
                for shorter in _dropped(word):
                    if shorter[0] == word[0]:
                        self._with_one_dropped.setdefault(shorter, word)
        self.find = lru_cache(maxsize=cache_size)(self._find)

    def _known(self, candidate: str, word: str) -> bool:
        return len(candidate) >= MIN_LENGTH and candidate[0] == word[0] and candidate in self.words

    def _find(self, word: str) -> str | None:
        if word in self.words:
            return word
        if len(word) < MIN_LENGTH - 1:
            return None
        if word in self._with_one_dropped:  # a letter dropped
            return self._with_one_dropped[word]
        for shorter in sorted(_dropped(word)):  # a letter added or doubled
            if self._known(shorter, word):
                return shorter
        for i in range(len(word) - 1):  # two neighbours swapped
            swapped = word[:i] + word[i + 1] + word[i] + word[i + 2:]
            if self._known(swapped, word):
                return swapped
        return None
