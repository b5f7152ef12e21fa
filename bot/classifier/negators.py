"""The words that turn a clause around, where a turn ends, and the set phrases whose negator turns nothing.

features.py marks the words after a negator as negated, up to the end of the clause; these are its words.
"""

from __future__ import annotations

from itertools import takewhile

# English, with the apostrophe-less spellings of tweets, then the negators of the languages the model reads
# (es, fr, de, pt, it, ar, romanised Hindi): a word after one, up to the end of the clause, is marked `neg_`.
NEGATORS = frozenset({
    "not", "no", "never", "nothing", "nobody", "none", "nowhere", "neither", "nor", "cannot", "without", "hardly", "barely",
    "dont", "cant", "wont", "didnt", "doesnt", "isnt", "wasnt", "arent", "havent", "hasnt", "couldnt", "wouldnt", "shouldnt",
    "nunca", "nada", "nadie", "ni", "sin", "ne", "pas", "jamais", "rien", "sans", "nicht", "kein", "keine", "keinen", "nie",
    "niemals", "nichts", "ohne", "não", "nao", "nem", "sem", "non", "mai", "niente", "nessuno", "senza", "لا", "لم", "لن", "ليس",
    "nahi", "nahin", "nai", "mat",
})
# A resolved problem is a negated one: "fixed a crash", "resolved an issue" (release notes, status pages).
RESOLVERS = frozenset({"fixed", "resolved", "solved", "patched", "addressed"})
PUNCTUATION = frozenset(".,!?;:")
# A negation ends with its clause, or where the sentence turns: "not cheap but the support is terrible".
CLAUSE_ENDS = PUNCTUATION | {"but", "however", "although", "though", "yet", "pero", "mais", "aber", "mas", "ma"}
# Set phrases that hold a negator but negate nothing ("pseudo-negations", as NegEx calls them). Each is read as one word
# of its own, so the negator's lean towards complaints does not count and the words after it are not negated; what the
# phrase means is learnt from the training texts that use it: "can't wait" (166 English texts, 13 % of them
# complaints), "can't believe" (121, 35 %), "no doubt" (16, 25 %), "can't go wrong" (4, none). Not the ones that
# intensify a complaint ("not only", "not to mention", "nothing but"): most texts that use them complain (airline: 10 of
# 12 "not only", 7 of 7 "not to mention"), so the negator's lean is right for them. As the words are by then: lower
# case, "can't" split into "ca not"; in the languages the model reads.
PSEUDO_NEGATIONS = {
    "cant_wait": ("ca not wait", "can not wait", "cannot wait", "cant wait", "could not wait", "couldnt wait", "no veo la hora",
                  "não vejo a hora", "nao vejo a hora", "non vedo l'ora"),
    "cant_go_wrong": ("ca not go wrong", "can not go wrong", "cannot go wrong", "cant go wrong"),
    "no_doubt": ("no doubt", "without a doubt", "sin duda", "sans doute", "ohne zweifel", "sem dúvida", "sem duvida", "senza dubbio"),
    # Surprise, at good news or bad: what follows decides ("can't believe how good", "can't believe they lost it").
    "cant_believe": ("ca not believe", "can not believe", "cannot believe", "cant believe", "could not believe", "couldnt believe"),
    "nothing_beats": ("nothing beats", "nothing compares", "nothing tops"),
}
# Two patterns of the same kind, whatever words fill them. A negated comparative says "the most": "couldn't be
# happier", "never been better", "could not have been more helpful" praise, "couldn't be worse" blames; the
# comparative says which, as it stands. And "can't recommend them enough", "can't thank you enough" intensify.
_SUPERLATIVE = "phrase_negated_comparative"
_INTENSIFIER = "phrase_cant_enough"
_COMPARATIVES = frozenset({"more", "less", "better", "worse", "faster", "quicker", "cheaper", "smoother", "clearer", "nicer",
                           "slower", "greater", "kinder", "smarter", "simpler", "prouder", "louder"})
_BECOME = frozenset({"be", "been", "get", "got"})
_CAN = frozenset({"ca", "can", "could"})


def _by_first_word(phrases: dict[str, tuple[str, ...]]) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Each phrase's words and its one word (phrase_NAME), under its first word: a sentence is looked up word by word."""
    found: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for name, said in phrases.items():
        for words in (tuple(phrase.split()) for phrase in said):
            found.setdefault(words[0], []).append((words, f"phrase_{name}"))
    return found


_PHRASES = _by_first_word(PSEUDO_NEGATIONS)


def joined_phrases(found: list[str]) -> list[str]:
    """The words, each pseudo-negation in them made one word (of a pattern's, the negator alone)."""
    if _PHRASES.keys().isdisjoint(found) and NEGATORS.isdisjoint(found):
        return found
    joined, i = [], 0
    while i < len(found):
        for words, name in _PHRASES.get(found[i], ()):
            if tuple(found[i:i + len(words)]) == words:
                joined.append(name)
                i += len(words)
                break
        else:
            joined.append((found[i] in NEGATORS and _pattern(found, i)) or found[i])
            i += 1
    return joined


def _pattern(found: list[str], i: int) -> str | None:
    """The pattern the negator at found[i] starts ("couldn't be happier", "can't thank you enough"), if any."""
    rest = found[i + 1:i + 5]
    if rest[:1] == ["have"]:
        rest = rest[1:]
    if rest[:1] and rest[0] in _BECOME:
        rest = rest[2:] if rest[1:2] == ["any"] else rest[1:]
        if rest and (rest[0] in _COMPARATIVES or (rest[0].endswith("ier") and len(rest[0]) > 4)):
            return _SUPERLATIVE
    can_not = found[i] in ("cannot", "cant", "couldnt") or (found[i] == "not" and i > 0 and found[i - 1] in _CAN)
    if can_not:
        within = list(takewhile(lambda w: w not in CLAUSE_ENDS, found[i + 2:i + 6]))
        if "enough" in within:
            return _INTENSIFIER
    return None
