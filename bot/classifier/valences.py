"""The sentiment lexicon the detector's features read (features.py: the `v:` class of a word), fixed at training
and saved in the model file: VADER's word valences (MIT licence, shipped with vaderSentiment, the train extra),
rounded to classes -4..4, with words of service failures VADER has no entry for."""

from __future__ import annotations

import re
from pathlib import Path

_WORD = re.compile(r"[a-z][a-z']*")
# What goes wrong with a product or a service, in words VADER's lexicon (written for social media moods) lacks: so
# "no issues", "not slow" and "wasn't a nightmare" are read as negated complaints, and a misspelt one still counts.
COMPLAINT_WORDS = {
    "issue": -1, "issues": -1, "slow": -1, "late": -1, "delayed": -1, "delay": -1, "bug": -1, "bugs": -1, "buggy": -2,
    "glitch": -1, "glitchy": -2, "crashes": -2, "crashed": -2, "crashing": -2, "hassle": -2, "nightmare": -2,
    "overcharged": -2, "faulty": -2, "defective": -2, "unreliable": -2, "unusable": -2, "outage": -2, "bricked": -2,
    "dies": -2, "wiped": -1, "deleted": -1, "cancelled": -1, "canceled": -1, "declined": -1, "stuck": -1,
}


def lexicon() -> tuple[dict[str, int], Path]:
    """VADER's word valences, rounded to classes -4..4 (words only; its emoticons are handled as tokens), with the
    words of service failures it has no entry for (COMPLAINT_WORDS)."""
    import vaderSentiment

    path = Path(vaderSentiment.__file__).with_name("vader_lexicon.txt")
    classes = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word, valence, *_ = line.split("\t")
        if _WORD.fullmatch(word):
            classes[word] = int(round(float(valence)))
    return COMPLAINT_WORDS | classes, path
