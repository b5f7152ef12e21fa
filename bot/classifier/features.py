"""Text -> hashed feature indices, shared by training and inference. Pure Python, no third-party packages.

Mentions are not clean prose: they carry @handles, links, #CamelCaseTags,
emoji, elongated words ("sooo"), negation ("not working") and sarcasm
markers ("yeah right", "/s", 🙄). Each is normalised into tokens a linear
model can weigh. A sentence becomes a list of bucket numbers: its words,
word pairs, character n-grams of each word (which survive misspellings),
the word's class in a sentiment lexicon (so rare words the training sets
never showed still count), and a few markers. Repeats are kept: a text is
their counts, scaled by 1/sqrt(how many), in training and inference alike.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping
from functools import lru_cache

BUCKETS = 1 << 18
MASK = BUCKETS - 1

EMOJI = {
    "negative": "😠😡🤬😤😞😟😢😭😩😫😒😖😣🙁☹💩👎🤮🤢😑😐🖕💔😾😿🤦😓😥😰😨😱🤯😬🥵🤒🤕😷💀☠⚠🛑🚫❌😔😕😧😦🥺",
    "positive": "😀😃😄😁😊🙂😍🥰😘👍👏🙌💯🎉❤💕💖💗😎🤩✨🥳😻🙏😆😅😂🤣😇😉😋🤗💪⭐🌟🔥✅👌💙💚💛💜🧡🤍😺😸🎊🏆",
    "sarcasm": "🙄🙃😏",
}
# Every other emoji (objects, places, flags) says nothing about the mood: it becomes a space, never a token.
_EMOJI_TOKENS = {ord(char): f" emoji_{mood} " for mood, chars in EMOJI.items() for char in chars}
EMOTICONS = {
    "negative": (":(", ":-(", ":'(", ">:(", ":/", ":-/", "-_-"),
    "positive": (":)", ":-)", ":d", ";)", "<3", ":p", "=)"),
}
_FACE_MOOD = {face: mood for mood, faces in EMOTICONS.items() for face in faces}
# Longest first; links are gone by then (they hold ":/"), and ":d" or ":p" must not start a word ("note:done").
_EMOTICON = re.compile("(?:" + "|".join(re.escape(f) for f in sorted(_FACE_MOOD, key=len, reverse=True)) + ")(?![a-z])")
SARCASM_PHRASES = ("yeah right", "thanks for nothing", "great job", "just great", "so helpful", "love how", "love that", "/s", "sarcasm", "oh great", "wow thanks", "thanks a lot")
_SARCASM = re.compile("|".join(re.escape(p) for p in ("emoji_sarcasm", *SARCASM_PHRASES)))
# English, with the apostrophe-less spellings of tweets, then the negators of the languages the model reads
# (es, fr, de, pt, it, ar, romanised Hindi): a word after one, up to the end of the clause, is marked `neg_`.
NEGATORS = frozenset({
    "not", "no", "never", "nothing", "nobody", "none", "nowhere", "neither", "nor", "cannot", "without", "hardly", "barely",
    "dont", "cant", "wont", "didnt", "doesnt", "isnt", "wasnt", "arent", "havent", "hasnt", "couldnt", "wouldnt", "shouldnt",
    "nunca", "nada", "nadie", "ni", "sin", "ne", "pas", "jamais", "rien", "sans", "nicht", "kein", "keine", "keinen", "nie",
    "niemals", "nichts", "ohne", "não", "nao", "nem", "sem", "non", "mai", "niente", "nessuno", "senza", "لا", "لم", "لن", "ليس",
    "nahi", "nahin", "nai", "mat",
})
_PUNCTUATION = frozenset(".,!?;:")
# Character n-grams of longer tokens (a hash, a pasted blob) add nothing but work.
CHAR_GRAM_WORD = 24

# A link with a scheme or www., or a bare domain with a path (bit.ly/x, t.co/x): nothing a reader weighs.
_URL = re.compile(r"\bhttps?(?::/*\S*|(?!\w))|www\.\S+|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/\S*", re.IGNORECASE)
_HANDLE = re.compile(r"(?<!\w)@\w+")
_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_ELONGATED = re.compile(r"(\w)\1{2,}")
# Words in any script (an underscore joins the marker tokens below: emoji_negative), and clause punctuation.
_TOKEN = re.compile(r"[\w']+|[.,!?;:]")
_STARS = re.compile(r"\b([1-5])\s*(?:/\s*5|stars?|★)", re.IGNORECASE)
# Shouting is counted exactly only where it may be: a run of capitals.
_CAPITALS = re.compile(r"[A-Z]{4}")


def _split_hashtag(match: re.Match[str]) -> str:
    """A tag is read as its words (#NeverAgain -> never again), nothing more: most tags are topics, not moods."""
    tag = match.group(1)
    return " ".join(_CAMEL.findall(tag) if tag.isascii() and not tag.islower() else [tag.replace("_", " ")])


def normalise(text: str) -> str:
    """Lower-cased text with links and handles gone, tags split into words, emoji and emoticons made into mood tokens."""
    # Each substitution only where its marker occurs: most sentences have none, and this runs per sentence.
    if "/" in text or "http" in text or "www." in text:
        text = _URL.sub(" ", text)
    if "@" in text:
        text = _HANDLE.sub(" ", text)
    if "#" in text:
        text = _HASHTAG.sub(_split_hashtag, text)
    if not text.isascii():
        text = text.translate(_EMOJI_TOKENS)
    lowered = _EMOTICON.sub(lambda m: f" emoticon_{_FACE_MOOD[m.group(0)]} ", text.lower()) if ":" in text or "<3" in text or "=)" in text or "-_-" in text else text.lower()
    lowered = lowered.replace("’", "'").replace("n't", " not")
    return _ELONGATED.sub(r"\1\1", lowered)


def tokens_with_negation(normalised: str) -> list[str]:
    """Words, with those after a negator (up to the end of the clause) marked `neg_`."""
    marked, negating = [], False
    for token in _TOKEN.findall(normalised):
        if token in _PUNCTUATION:
            negating = False
            marked.append(token)
            continue
        token = token.strip("_'")
        if not token:
            continue
        # Emoji and emoticons keep their meaning after "not".
        marked.append(f"neg_{token}" if negating and not token.startswith(("emoji_", "emoticon_")) else token)
        if token in NEGATORS:
            negating = True
    return marked


def bucket(name: str) -> int:
    return zlib.crc32(name.encode()) & MASK


# The CRC-32 of "b:", from which a word pair's bucket is carried on (see Featurizer._word_features).
_PAIR_START = zlib.crc32(b"b:")


class Featurizer:
    """Sentence -> bucket numbers. `lexicon` maps a word to its sentiment class (rounded valence, -4..4)."""

    def __init__(self, lexicon: Mapping[str, int], cache_size: int = 1 << 16) -> None:
        self.lexicon = lexicon
        # Words repeat (Zipf): a word's own features are computed once per process, not once per use.
        self._word = lru_cache(maxsize=cache_size)(self._word_features)

    def _word_features(self, token: str) -> tuple[tuple[int, ...], int, bytes]:
        """The word's own buckets; and for the pairs it is in, the CRC-32 of "b:{token} " (where a pair with it first
        carries on from: crc32(b, crc32(a, start)) is crc32(a + b, start)) and its bytes (a pair with it second)."""
        negated = token.startswith("neg_")
        word = token[4:] if negated else token
        padded = f" {word[:CHAR_GRAM_WORD]} "
        # A negated word keeps no character n-grams: they would weigh "not disappointed" as "disappointed".
        names = [f"w:{token}"] + ([] if negated else [f"c:{padded[i:i + n]}" for n in (3, 4, 5) for i in range(len(padded) - n + 1)])
        valence = self.lexicon.get(word)
        if valence is not None:
            names.append(f"v:{'n' if negated else ''}{valence}")
        encoded = token.encode()
        return tuple(zlib.crc32(name.encode()) & MASK for name in names), zlib.crc32(encoded + b" ", _PAIR_START), encoded

    def indices(self, sentence: str) -> list[int]:
        normalised = normalise(sentence)
        words = [self._word(t) for t in tokens_with_negation(normalised) if t not in _PUNCTUATION]
        found: list[int] = []
        for own, _, _ in words:
            found += own
        # The bucket of "b:{first} {second}", without building the string.
        found += [zlib.crc32(second[2], first[1]) & MASK for first, second in zip(words, words[1:])]
        if _SARCASM.search(normalised):
            found.append(bucket("x:sarcasm"))
        if "!" in sentence:
            found.append(bucket("x:exclaim"))
        if _CAPITALS.search(sentence):
            letters = sum(map(str.isalpha, sentence))
            if letters > 12 and sum(map(str.isupper, sentence)) > 0.5 * letters:
                found.append(bucket("x:shouting"))
        stars = _STARS.search(sentence)
        if stars:
            found.append(bucket(f"x:stars_{stars.group(1)}"))
        return found
