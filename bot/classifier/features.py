"""Text -> hashed features, shared by training and inference. Pure, no third-party packages.

Mentions are not clean prose: they carry @handles, links, #CamelCaseTags,
emoji, elongated words ("sooo"), negation ("not working") and sarcasm
markers ("yeah right", "/s", 🙄). Each is normalised into tokens a linear
model can weigh; words and character n-grams are hashed into a fixed space.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

BUCKETS = 1 << 18
MASK = BUCKETS - 1

EMOJI = {
    "negative": "😠😡🤬😤😞😟😢😭😩😫😒😖😣🙁☹💩👎🤮🤢😑😐🖕💔😾😿🤦",
    "positive": "😀😃😄😁😊🙂😍🥰😘👍👏🙌💯🎉❤💕💖💗😎🤩✨🥳😻🙏",
    "sarcasm": "🙄🙃😏",
}
EMOTICONS = {
    "negative": (":(", ":-(", ":'(", ">:(", "d:", ":/", ":-/", "-_-"),
    "positive": (":)", ":-)", ":d", ";)", "<3", ":p", "=)"),
}
SARCASM_PHRASES = ("yeah right", "thanks for nothing", "great job", "just great", "so helpful", "love how", "love that", "/s", "#sarcasm", "oh great", "wow thanks", "thanks a lot")
NEGATORS = {"not", "no", "never", "nothing", "nobody", "none", "nowhere", "neither", "nor", "cannot", "without", "hardly", "barely"}
CLAUSE_END = re.compile(r"[.,!?;:]")

_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"@\w+")
_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_ELONGATED = re.compile(r"(\w)\1{2,}")
_TOKEN = re.compile(r"[a-z0-9']+|[.,!?;:]")
_STARS = re.compile(r"\b([1-5])\s*(?:/\s*5|stars?|★)", re.IGNORECASE)


def _split_hashtag(match: re.Match[str]) -> str:
    tag = match.group(1)
    words = _CAMEL.findall(tag) if not tag.islower() else [tag]
    return " ".join(words) + f" hashtag_{tag.lower()}"


def normalise(text: str) -> str:
    """Lower-cased text with links, handles, tags, emoji and emoticons made into plain tokens."""
    text = _URL.sub(" url ", text)
    text = _HANDLE.sub(" user ", text)
    text = _HASHTAG.sub(_split_hashtag, text)
    for mood, chars in EMOJI.items():
        for char in chars:
            if char in text:
                text = text.replace(char, f" emoji_{mood} ")
    lowered = text.lower()
    for mood, faces in EMOTICONS.items():
        for face in faces:
            if face in lowered:
                lowered = lowered.replace(face, f" emoticon_{mood} ")
    lowered = lowered.replace("’", "'").replace("n't", " not")
    return _ELONGATED.sub(r"\1\1", lowered)


@dataclass(frozen=True)
class Features:
    names: list[str]
    # What a person can read as a reason (a word, a phrase, a marker) -> the features that stand for it:
    # a word's own feature plus its character n-grams, so its whole weight is credited to it.
    readable: dict[str, list[str]]


def tokens_with_negation(normalised: str) -> list[str]:
    """Words, with those after a negator (up to the end of the clause) marked `neg_`."""
    marked, negating = [], False
    for token in _TOKEN.findall(normalised):
        if CLAUSE_END.fullmatch(token):
            negating = False
            marked.append(token)
            continue
        # Emoji, emoticons and hashtags keep their meaning after "not".
        marked.append(f"neg_{token}" if negating and not token.startswith(("emoji_", "emoticon_", "hashtag_")) else token)
        if token in NEGATORS:
            negating = True
    return marked


def extract(text: str) -> Features:
    normalised = normalise(text)
    words = [t for t in tokens_with_negation(normalised) if not CLAUSE_END.fullmatch(t)]
    names = [f"w:{w}" for w in words]
    names += [f"b:{a} {b}" for a, b in zip(words, words[1:])]
    readable: dict[str, list[str]] = {name: [name] for name in names}
    for word in set(words):
        padded = f" {word.removeprefix('neg_')} "
        grams = [f"c:{padded[i:i + n]}" for n in (3, 4, 5) for i in range(len(padded) - n + 1)]
        names += grams
        readable[f"w:{word}"] += grams
    if any(phrase in normalised for phrase in SARCASM_PHRASES) or "emoji_sarcasm" in normalised:
        names.append("x:sarcasm")
        readable["x:sarcasm"] = ["x:sarcasm"]
    if "!" in text:
        names.append("x:exclaim")
    if sum(1 for c in text if c.isupper()) > 0.5 * max(sum(1 for c in text if c.isalpha()), 1) and len(text) > 12:
        names.append("x:shouting")
        readable["x:shouting"] = ["x:shouting"]
    stars = _STARS.search(text)
    if stars:
        names.append(f"x:stars_{stars.group(1)}")
    return Features(names, readable)


def bucket(name: str) -> int:
    return zlib.crc32(name.encode()) & MASK


def describe(name: str) -> str:
    """A feature as a person would read it in "why flagged"."""
    kind, _, value = name.partition(":")
    if kind == "x":
        return {"x:sarcasm": "sarcasm marker", "x:shouting": "SHOUTING"}.get(name, value)
    words = value.split()
    if any(w in NEGATORS for w in words):
        value = value.replace("neg_", "")  # the negator is already in the phrase
    else:
        value = re.sub(r"\bneg_(\S+)", r"not \1", value)
    value = value.replace("emoji_negative", "angry or sad emoji").replace("emoji_sarcasm", "eye-roll emoji")
    value = value.replace("emoticon_negative", ":(").replace("hashtag_", "#")
    return f"“{value}”"
