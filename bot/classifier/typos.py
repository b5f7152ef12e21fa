"""Words one typo away from a vocabulary's words. Pure.

Mentions are typed fast: "probem", "Nveer", "compaints". The words that turn a sentence around (negators, and the
sentiment words a negator or a sarcasm marker acts on) must still be found when misspelt, or one typo flips a
verdict ("Never had a single probem" read as a complaint). A typo here is what fast typing makes: a letter dropped,
a letter added or doubled, or two neighbours swapped; not a letter replaced, which turns too many real words into
others ("share" into "shame"). Only words of at least MIN_LENGTH letters are matched, on the same first letter.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import chain
from string import ascii_lowercase

MIN_LENGTH = 5


def _dropped(word: str) -> Iterator[str]:
    return (word[:i] + word[i + 1:] for i in range(len(word)))


def _swapped(word: str) -> Iterator[str]:
    return (word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1))


def typo_table(vocabulary: Iterable[str]) -> dict[str, str]:
    """Every spelling one typo away from a word of a small vocabulary (a few hundred words: the table holds about 40
    spellings a letter), mapped to that word; the words themselves too. A lookup is then one dict access, however
    many different words a stream holds."""
    words = sorted(set(vocabulary))
    table: dict[str, str] = {}
    for word in words:
        if len(word) >= MIN_LENGTH:
            letters = sorted(set(ascii_lowercase) | set(word))
            added = (word[:i] + letter + word[i:] for i in range(len(word) + 1) for letter in letters)
            for typo in chain(_dropped(word), added, _swapped(word)):
                if typo[0] == word[0]:
                    table.setdefault(typo, word)
    return table | {word: word for word in words}


class Near:
    """`find(word)`: the vocabulary's word that `word` is, or is one typo away from; None if none. For a large
    vocabulary (the sentiment lexicon), where a table of every typo would not fit: the typed word's own variants
    are looked up, and the answers cached."""

    def __init__(self, vocabulary: Iterable[str], cache_size: int = 1 << 16) -> None:
        self.words = frozenset(vocabulary)
        self._with_one_dropped: dict[str, str] = {}
        # Each spelling with two neighbours swapped, and where: the first swap from the left decides, as if the
        # typed word's own swaps were tried in turn.
        swapped: dict[str, tuple[int, str]] = {}
        for word in sorted(self.words):
            if len(word) >= MIN_LENGTH:
                for shorter in _dropped(word):
                    if shorter[0] == word[0]:
                        self._with_one_dropped.setdefault(shorter, word)
                for at, typo in enumerate(_swapped(word)):
                    if typo[0] == word[0] and typo != word and at < swapped.get(typo, (at + 1, ""))[0]:
                        swapped[typo] = (at, word)
        self._with_two_swapped = {typo: word for typo, (_, word) in swapped.items()}
        self.find = lru_cache(maxsize=cache_size)(self._find)

    def _find(self, word: str) -> str | None:
        if word in self.words:
            return word
        if len(word) < MIN_LENGTH - 1:
            return None
        if word in self._with_one_dropped:  # a letter dropped
            return self._with_one_dropped[word]
        if len(word) > MIN_LENGTH:  # a letter added or doubled: one of its letters left out is a word
            first = word[0]
            for shorter in _dropped(word):
                if shorter[0] == first and shorter in self.words:
                    return shorter
        return self._with_two_swapped.get(word)  # two neighbours swapped
