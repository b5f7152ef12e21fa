"""A feature's bucket is the CRC-32 of its name ("w:word", "c:gram", "v:class", "b:first second", "x:marker"), however
the featurizer computes it: the shipped model's weights sit at those buckets, so a faster path must land on the same ones."""

from __future__ import annotations

import pytest

from bot.classifier.features import CHAR_GRAM_WORD, Featurizer, bucket, normalise, tokens_with_negation

LEXICON = {"late": -2, "great": 3, "broken": -3, "nunca": -1}


def named_buckets(lexicon: dict[str, int], sentence: str) -> list[int]:
    """The buckets built from their names, as the model was trained on (the specification, written out plainly)."""
    normalised = normalise(sentence)
    words = [t for t in tokens_with_negation(normalised) if t not in ".,!?;:"]
    names: list[str] = []
    for token in words:
        negated = token.startswith("neg_")
        word = token[4:] if negated else token
        padded = f" {word[:CHAR_GRAM_WORD]} "
        names.append(f"w:{token}")
        if not negated:
            names += [f"c:{padded[i:i + n]}" for n in (3, 4, 5) for i in range(len(padded) - n + 1)]
        if word in lexicon:
            names.append(f"v:{'n' if negated else ''}{lexicon[word]}")
    names += [f"b:{a} {b}" for a, b in zip(words, words[1:])]
    return [bucket(name) for name in names]


@pytest.mark.parametrize(
    "sentence",
    [
        "the parcel is late again and nobody answers",
        "not great, never broken before",
        "Ünïcödé wörds, 中文 и кириллица — نص عربي",
        "a",
        "",
        "nunca llega el pedido de Acme 😡 #NoMás",
        "supercalifragilisticexpialidocious-and-then-some-more-letters twice twice twice",
    ],
)
def test_word_and_pair_buckets_are_their_names_crc(sentence: str) -> None:
    featurizer = Featurizer(LEXICON)
    found = featurizer.indices(sentence)
    expected = named_buckets(LEXICON, sentence)
    # Markers (sarcasm, exclaim, shouting, stars) follow the word and pair buckets.
    assert found[: len(expected)] == expected
    assert featurizer.indices(sentence) == found  # the second time, from the word cache
