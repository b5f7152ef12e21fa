"""How long a post is, counted the way each network counts it, and the networks' limits. Pure.

- X: every URL counts 23; most characters (Latin, Greek, Cyrillic, Hebrew,
  Arabic, ... up to U+10FF, and general punctuation) count 1, the rest (CJK,
  most symbols) 2, an emoji 2 however many code points it has; limit 280.
- Mastodon: every http(s) URL counts 23, a mention @user@domain counts as
  @user, everything else one per grapheme; limit 500 (the default instance).
- Bluesky: one per grapheme; limit 300 (and 3,000 bytes).
- Google Play: a developer's reply to a review holds 350 characters.
"""

from __future__ import annotations

import unicodedata

import regex

LIMITS = {"x": 280, "bluesky": 300, "mastodon": 500, "googleplay": 350}
# How the checklist names the network whose limit it is.
NETWORK_NAMES = {"x": "X", "bluesky": "Bluesky", "mastodon": "Mastodon", "googleplay": "Google Play"}
URL_LENGTH = 23

_PROTOCOL_URL = regex.compile(r"https?://[^\s<>\"]+")
# X also links bare domains ("acme.example/help"); counting them as URLs never under-counts.
_X_URL = regex.compile(r"(?:https?://|www\.)[^\s<>\"]+|(?<![@\w.-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:/[^\s<>\"]*)?", regex.IGNORECASE)
_MASTODON_MENTION = regex.compile(r"(?<![=/\w])@(\w+)@[\w.-]+\w", regex.UNICODE)
_GRAPHEME = regex.compile(r"\X")
_EMOJI = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}")
# twitter-text v3: code points in these ranges weigh 1, all others 2.
_X_LIGHT = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))


def graphemes(text: str) -> int:
    return len(_GRAPHEME.findall(text))


def _x_weight(cluster: str) -> int:
    if _EMOJI.search(cluster):
        return 2
    return sum(1 if any(lo <= ord(ch) <= hi for lo, hi in _X_LIGHT) else 2 for ch in cluster)


def x_length(text: str) -> int:
    text = unicodedata.normalize("NFC", text)
    urls = _X_URL.findall(text)
    rest = _X_URL.sub("", text)
    return URL_LENGTH * len(urls) + sum(_x_weight(cluster) for cluster in _GRAPHEME.findall(rest))


def mastodon_length(text: str) -> int:
    text = _MASTODON_MENTION.sub(r"@\1", text)
    urls = _PROTOCOL_URL.findall(text)
    return URL_LENGTH * len(urls) + graphemes(_PROTOCOL_URL.sub("", text))


def post_length(text: str, source_kind: str) -> int:
    """The length `source_kind` would count for `text` (plain characters for networks without a counting rule)."""
    if source_kind == "x":
        return x_length(text)
    if source_kind == "mastodon":
        return mastodon_length(text)
    if source_kind == "bluesky":
        return graphemes(text)
    return len(text)
