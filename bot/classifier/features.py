"""Text -> hashed feature indices, shared by training and inference. Pure Python, no third-party packages.

Mentions are not clean prose: they carry @handles, links, #CamelCaseTags,
emoji, elongated words ("sooo"), numbers, negation ("not working") and
sarcasm markers ("yeah right", "/s", 🙄). Each is normalised into tokens a
linear model can weigh. A sentence becomes a list of bucket numbers: its
words, word pairs, character n-grams of each word (which survive
misspellings), the word's class in a sentiment lexicon (so rare words the
training sets never showed still count), and a few markers. Repeats are
kept: a text is their counts, scaled by 1/sqrt(how many), in training and
inference alike.

Four turns of phrase get their own words, because a bag of words reads them backwards:
- negation: the words after a negator, to the end of the clause or a "but", are `neg_` words;
- a set phrase with a negator that negates nothing ("can't wait", "couldn't be happier", "can't thank you enough") is a
  `phrase_` word, and the words it holds are not negated;
- a negated complaint ("not bad at all", "nothing went wrong", "can't fault them", a release note's "fixed a
  crash"): the negator becomes a `dbl_` word, which does not carry a bare negator's lean towards complaints;
- sarcasm, praise around a bad experience ("Oh great, they lost my parcel again. Fantastic job"): in a passage
  with a sarcasm marker the praise words are `sar_` words, which carry what training taught about praise in
  such company, not the weight of sincere praise; what happened (lost, deleted, charged) then decides.
Negators and the sentiment words they act on are found however misspelt (typos.py), and in English an uncommon word
one typo from a word common in the English training texts is read as that word. The words of the tags a text ends
with are `tag_` words: topics, not what it says.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property, lru_cache
from itertools import takewhile

from bot.classifier.negators import CLAUSE_ENDS, NEGATORS, PUNCTUATION, RESOLVERS, joined_phrases
from bot.classifier.typos import Near, typo_table

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
# Markers that turn praise ironic more often than not: interjections before praise, "love how", "just what I
# needed", "as usual". Not "thanks for" or "well done", which are sincere in most mentions.
SARCASM_PHRASES = (
    "yeah right", "thanks for nothing", "great job", "just great", "just perfect", "just wonderful", "so helpful",
    "love how", "love that", "love it when", "gotta love", "got to love", "just what i needed", "just what i wanted",
    "/s", "sarcasm", "oh great", "oh wonderful", "oh joy", "oh good", "oh yay", "wow thanks", "thanks a lot",
    "thanks a bunch", "as always", "as usual", "so glad",
)
_SARCASM = re.compile("|".join(re.escape(p) for p in ("emoji_sarcasm", *SARCASM_PHRASES)))
# Negators, found however misspelt ("nveer"). Resolvers only as written: one letter off, they are the requests
# "resolve" and "solve".
_NEGATOR_TYPOS = typo_table(NEGATORS)
# How far a negator reaches to negate a complaint ("never had a single problem"), and the subjects that start a
# clause of their own where punctuation is missing.
NEGATED_WORDS = 6
_SUBJECTS = frozenset({"i", "im", "you", "we", "they", "he", "she"})
# The words of the tags a text ends with: weighed as words (and by their lexicon class), without spelling n-grams or
# word pairs, so that tags tacked onto a mention (#Monday #TravelTuesday) barely dilute what it says, while a mood tag
# (#fail) still counts.
TAG = "tag_"
# A spelling this many training texts use is a word the model has learnt; a rarer one a typo away is read as it.
REAL_WORD_TEXTS = 10
# Character n-grams of longer tokens (a hash, a pasted blob) add nothing but work.
CHAR_GRAM_WORD = 24

# A link with a scheme or www., or a bare domain with a path (bit.ly/x, t.co/x): nothing a reader weighs.
_URL = re.compile(r"\bhttps?(?::/*\S*|(?!\w))|www\.\S+|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/\S*", re.IGNORECASE)
_HANDLE = re.compile(r"(?<!\w)@\w+")
_HASHTAG = re.compile(r"#(\w+)")
# The tags a mention ends with (after its words, or on their own): labels of its topic, not part of what it says.
_TRAILING_TAGS = re.compile(r"(?:#\w+\W*)+$")
_CAMEL = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_ELONGATED = re.compile(r"(\w)\1{2,}")
# A number says nothing of a mood, and its value differs in every mention (prices, order numbers, hours, versions):
# each is read as one "0", so "£19.99" and "$310" are the same word. Not inside words ("8am", "mp3").
_DIGIT = re.compile(r"\d")
_NUMBER = re.compile(r"(?<!\w)\d+(?:[.,:]\d+)*(?!\w)")
# Words in any script (an underscore joins the marker tokens below: emoji_negative), and clause punctuation.
_TOKEN = re.compile(r"[\w']+|[.,!?;:]")
# A plain lower-case word (not a marked token such as tag_monday or emoticon_positive) that may be a typo.
_LETTERS = re.compile(r"(?<![\w'])[a-z]{4,}(?![\w'])")
# A capitalised word that does not start the sentence.
_NAME = re.compile(r"(?<=[\w,;:]\s)[A-Z][a-z]{3,}\b")
_STARS = re.compile(r"\b([1-5])\s*(?:/\s*5|stars?|★)", re.IGNORECASE)
# Shouting is counted exactly only where it may be: a run of capitals.
_CAPITALS = re.compile(r"[A-Z]{4}")


def _tag_words(tag: str, marker: str) -> str:
    """A tag's words (#NeverAgain -> never again), each with `marker` in front."""
    words = _CAMEL.findall(tag) if tag.isascii() and not tag.islower() else tag.split("_")
    return " ".join(f"{marker}{word}" for word in words if word)


def _split_hashtags(text: str) -> str:
    """Tags within the words are read as words ("#Acme broke my #router"); the tags a text ends with as `tag_` words:
    most of those are topics, not moods, and adding some must not change what the text says."""
    trailing = _TRAILING_TAGS.search(text)
    head, tail = (text[: trailing.start()], text[trailing.start():]) if trailing else (text, "")
    return _HASHTAG.sub(lambda m: _tag_words(m.group(1), ""), head) + _HASHTAG.sub(lambda m: _tag_words(m.group(1), TAG), tail)


def normalise(text: str) -> str:
    """Lower-cased text with links and handles gone, tags split into words, emoji and emoticons made into mood tokens."""
    # Each substitution only where its marker occurs: most sentences have none, and this runs per sentence.
    if "/" in text or "http" in text or "www." in text:
        text = _URL.sub(" ", text)
    if "@" in text:
        text = _HANDLE.sub(" ", text)
    if "#" in text:
        text = _split_hashtags(text)
    if not text.isascii():
        text = text.translate(_EMOJI_TOKENS)
    lowered = _EMOTICON.sub(lambda m: f" emoticon_{_FACE_MOOD[m.group(0)]} ", text.lower()) if ":" in text or "<3" in text or "=)" in text or "-_-" in text else text.lower()
    lowered = lowered.replace("’", "'").replace("n't", " not")
    lowered = _ELONGATED.sub(r"\1\1", lowered)
    return _NUMBER.sub("0", lowered) if _DIGIT.search(lowered) else lowered


_TURNING_WORDS = NEGATORS | RESOLVERS
# Needing to do something about a company is the trouble; not needing to is praise: "never had to call them", "didn't
# need to chase". Not where it is owed: "I shouldn't have to call five times" complains.
_NEEDS = frozenset({"have", "had", "has", "need", "needed", "needs"})
_EMPHASIS = frozenset({"once", "ever", "even", "really"})
_OUGHT = frozenset({"should", "would", "shouldnt", "wouldnt"})


def _negated_need(scope: list[str]) -> bool:
    """The negated (`neg_`) words start with a need: "(never) (once) had to", "(did not) need to"."""
    words = [w[4:] for w in scope if w[4:] not in _EMPHASIS]
    return words[:2] in ([need, "to"] for need in _NEEDS)


def _owed(words: list[str], i: int) -> bool:
    """The negator at words[i] says what ought not to be ("should not have to", "shouldn't need to")."""
    return words[i] in _OUGHT or (i > 0 and words[i - 1] in _OUGHT)


def tokens_with_negation(normalised: str) -> list[str]:
    """Words, with those after a negator (up to the end of the clause) marked `neg_`."""
    marked, negating = [], False
    for token in joined_phrases(_TOKEN.findall(normalised)):
        if token in CLAUSE_ENDS:
            negating = False
            marked.append(token)
            continue
        token = token.strip("_'")
        if not token:
            continue
        # A misspelt negator is read as the negator (so later steps need only look for the words as written).
        turning = _NEGATOR_TYPOS.get(token) or (token if token in RESOLVERS else None)
        token = turning or token
        # Emoji, emoticons and tags keep their meaning after "not".
        marked.append(f"neg_{token}" if negating and not token.startswith(("emoji_", "emoticon_", TAG)) else token)
        if turning:
            negating = True
    return marked


def real_words(texts: Iterable[str], min_texts: int = REAL_WORD_TEXTS) -> frozenset[str]:
    """The words (letters only) that at least `min_texts` of `texts` use: words of their own, not typos of others."""
    used = Counter(word for text in texts for word in set(_TOKEN.findall(normalise(text))) if word.isalpha())
    return frozenset(word for word, count in used.items() if count >= min_texts)


def bucket(name: str) -> int:
    return zlib.crc32(name.encode()) & MASK


class Featurizer:
    """Sentence -> bucket numbers. `lexicon` maps a word to its sentiment class (rounded valence, -4..4)."""

    def __init__(self, lexicon: Mapping[str, int], real_words: frozenset[str] = frozenset(), cache_size: int = 1 << 16) -> None:
        self.lexicon = lexicon
        # Words common in the English training texts: an uncommon word one typo from one of them is read as it.
        self.real_words = real_words
        self._known = real_words | lexicon.keys()
        # Words repeat (Zipf): a word's own features are computed once per process, not once per use.
        self._word = lru_cache(maxsize=cache_size)(self._word_features)

    @cached_property
    def _near_lexicon(self) -> Near:
        # Built on the first misspelt word that needs it (50 ms for VADER's lexicon), not when a model is loaded.
        return Near(self.lexicon)

    @cached_property
    def _near_real(self) -> Near:
        return Near(self.real_words)

    def _respelt(self, sentence: str, normalised: str) -> str:
        """Each uncommon word one typo away from a common one read as that word ("noothing", "solevd", "batetry"):
        the model knows the common word, and a sarcasm marker or a resolver is then found as written. A word
        capitalised inside the sentence is a name ("Paris" is not "pairs"), and stays as it is."""
        # Most sentences hold no uncommon word: then nothing more is done.
        uncommon = [w for w in _LETTERS.findall(normalised) if w not in self._known]
        # Near.find caches its answers: a word is looked up once per process.
        respelt = {typed: meant for typed in uncommon if (meant := self._near_real.find(typed))}
        if not respelt:
            return normalised
        for name in _NAME.findall(sentence):
            respelt.pop(name.lower(), None)
        return _LETTERS.sub(lambda m: respelt.get(m.group(0), m.group(0)), normalised)

    def _valence(self, word: str) -> int:
        """The lexicon's class of `word`, or of the word it is a typo of; 0 if none."""
        if word in self.lexicon:
            return self.lexicon[word]
        found = self._near_lexicon.find(word)
        return self.lexicon[found] if found else 0

    def _word_features(self, token: str) -> tuple[int, ...]:
        if token.startswith(TAG):
            word = token[len(TAG):]
            valence = self.lexicon.get(word)
            return tuple(bucket(name) for name in (f"w:{word}", *([] if valence is None else [f"v:{valence}"])))
        marker = token[:4] if token.startswith(("neg_", "sar_", "dbl_")) else ""
        word = token[len(marker):]
        padded = f" {word[:CHAR_GRAM_WORD]} "
        # A negated or ironic word keeps no character n-grams: they would weigh "not disappointed" as "disappointed".
        names = [f"w:{token}"] + ([] if marker else [f"c:{padded[i:i + n]}" for n in (3, 4, 5) for i in range(len(padded) - n + 1)])
        valence = self.lexicon.get(word)
        if valence is not None:
            names.append(f"v:{marker[:1]}{valence}")
        return tuple(zlib.crc32(name.encode()) & MASK for name in names)

    def _double_negatives(self, words: list[str]) -> list[str]:
        """A negator whose clause holds a negative word ("not bad", "nothing went wrong", "can't fault") becomes a
        `dbl_` word: on its own a negator leans towards a complaint ("not working", "no reply"), negating a
        complaint it does not."""
        marked = list(words)
        for i, word in enumerate(words):
            if word in _TURNING_WORDS:
                # The next few words of its clause, up to a nested negator (in "not fixed the crash" it is the fix
                # that "not" negates) or a new subject (in "thanks for nothing I am furious", fury is not negated).
                scope = list(takewhile(lambda w: w.startswith("neg_") and w[4:] not in _TURNING_WORDS and w[4:] not in _SUBJECTS, words[i + 1:i + 1 + NEGATED_WORDS]))
                if any(self._valence(w[4:]) < 0 for w in scope) or (_negated_need(scope) and not _owed(words, i)):
                    marked[i] = f"dbl_{word}"
        return marked

    def passage(self, sentences: Sequence[str], *, respell: bool = True) -> list[list[int]]:
        """Each sentence's bucket numbers; a sarcasm marker anywhere in the passage makes its praise `sar_` words.
        (Reading praise beside any bad word as ironic, without a marker, cost 0.01-0.02 F1 on the dev sets.)
        `respell`: read uncommon words as the common English word one typo away (English and undetermined texts:
        the common words are English, and respelling costs a text in another language about 20 µs for nothing)."""
        normalised = [normalise(s) for s in sentences]
        if respell and self.real_words:
            normalised = [self._respelt(s, n) for s, n in zip(sentences, normalised)]
        words = [[t for t in tokens_with_negation(n) if t not in PUNCTUATION] for n in normalised]
        cues = [bool(_SARCASM.search(n)) for n in normalised]
        if any(cues):
            words = [[f"sar_{w}" if self._valence(w) > 0 else w for w in said] for said in words]
        return [self._indices(*parts) for parts in zip(sentences, words, cues)]

    def _indices(self, sentence: str, words: list[str], cue: bool) -> list[int]:
        if not _TURNING_WORDS.isdisjoint(words):  # negators are read as written by now (tokens_with_negation)
            words = self._double_negatives(words)
        found: list[int] = []
        for word in words:
            found += self._word(word)
        pairs: Iterable[tuple[str, str]] = zip(words, words[1:])
        if "#" in sentence:  # only a tag makes tag_ words, and they make no pairs
            pairs = ((a, b) for a, b in pairs if not (a.startswith(TAG) or b.startswith(TAG)))
        found += [zlib.crc32(f"b:{a} {b}".encode()) & MASK for a, b in pairs]
        if cue:
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
