"""How configured terms (brand names, exclusions, keywords) are found in a text in any script. Pure.

Text and terms are folded alike before matching: compatibility forms become plain letters
(full-width "Ａｃｍｅ", Arabic presentation forms, ligatures), accents and vowel points are
dropped ("Acmé" is "acme"), case is folded ("STRASSE", "Straße"), and invisible format marks
(right-to-left and left-to-right marks, zero-width joiners) are removed.

A term is a whole word when no letter of its own script touches it: "Acme" is found in
"لAcme" (an Arabic letter against a Latin one is a boundary, as Arabic writes clitics on
foreign names) but not in "Acmecorp". Scripts written without spaces between words
(Chinese, Japanese, Korean, Thai, Lao, Khmer, Burmese) have no word boundaries to look for:
their terms are found wherever they occur.
"""

from __future__ import annotations

import re
import unicodedata

# Marks dropped after canonical decomposition: Latin/Greek/Cyrillic diacritics, Hebrew points, Arabic harakat.
# Not the vowel signs of Indic scripts, nor Japanese voicing marks: those change the word, not its spelling.
_DIACRITICS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670]")
# Format characters (Unicode category Cf) that can sit inside a word: bidi marks and embeddings, zero-width ones, soft hyphen.
_INVISIBLE = re.compile("[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")

# The letters of one script, after folding (lower-case, no accents); digits and "_" join any word.
_SCRIPT_LETTERS = (
    "a-z\u00aa\u00b5\u00ba\u00df-\u00f6\u00f8-\u024f\u0250-\u02af\u1d00-\u1dbf\u1e00-\u1eff\u2c60-\u2c7f\ua720-\ua7ff",  # Latin
    "\u0370-\u03ff\u1f00-\u1fff",  # Greek
    "\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f",  # Cyrillic
    "\u0530-\u058f",  # Armenian
    "\u05d0-\u05ff",  # Hebrew
    "\u0620-\u064a\u066e-\u06d3\u06d5\u06ee-\u06ff\u0750-\u077f\u08a0-\u08ff",  # Arabic
    "\u0900-\u097f",  # Devanagari
    "\u0980-\u09ff",  # Bengali
    "\u0a00-\u0a7f",  # Gurmukhi
    "\u0a80-\u0aff",  # Gujarati
    "\u0b00-\u0b7f",  # Odia
    "\u0b80-\u0bff",  # Tamil
    "\u0c00-\u0c7f",  # Telugu
    "\u0c80-\u0cff",  # Kannada
    "\u0d00-\u0d7f",  # Malayalam
    "\u10a0-\u10ff",  # Georgian
    "\u1200-\u139f",  # Ethiopic
)
# Written without spaces between words: a term there is found wherever it occurs.
_UNSPACED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_DIGITS = "0-9_\u0660-\u0669\u06f0-\u06f9\u0966-\u096f"


def fold(text: str) -> str:
    """The text as terms are matched against it (see the module's docstring). ASCII text only changes case."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    return unicodedata.normalize("NFC", _INVISIBLE.sub("", _DIACRITICS.sub("", decomposed))).casefold()


def _word_class(char: str) -> str | None:
    """The characters that continue a word ending (or starting) with `char`: its script's letters and digits;
    None where words are not separated (no boundary to require)."""
    if _UNSPACED.match(char):
        return None
    for letters in _SCRIPT_LETTERS:
        if re.match(f"[{letters}]", char):
            return f"[{letters}{_DIGITS}]"
    return r"\w"


def before(term: str) -> str:
    """The lookbehind that starts a folded `term` as a whole word."""
    word = _word_class(term[0])
    return f"(?<!{word})" if word else ""


def after(term: str) -> str:
    """The lookahead that ends a folded `term` as a whole word."""
    word = _word_class(term[-1])
    return f"(?!{word})" if word else ""


def whole_words(terms: list[str] | tuple[str, ...]) -> re.Pattern[str] | None:
    """A pattern that finds any of `terms` as a whole word in a folded text (longest first), None for no terms."""
    folded = sorted({fold(t) for t in terms if t.strip()}, key=len, reverse=True)
    if not folded:
        return None
    return re.compile("|".join(f"{before(t)}{re.escape(t)}{after(t)}" for t in folded))
