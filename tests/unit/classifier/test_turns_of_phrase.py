"""The turns of phrase a bag of words reads backwards: negated complaints, resolved problems, sarcasm, numbers, and
the typos that must not hide a negator or the word it negates."""

from __future__ import annotations

import pytest

from bot.classifier.features import Featurizer, bucket, normalise, real_words, tokens_with_negation
from bot.classifier.typos import Near, typo_table

LEXICON = {"broken": -2, "bother": -2, "furious": -3, "bad": -2, "wrong": -2, "problem": -2, "crash": -2, "fault": -2, "great": 3, "fantastic": 3, "love": 3}


@pytest.fixture(scope="module")
def featurizer() -> Featurizer:
    return Featurizer(LEXICON)


def features(featurizer: Featurizer, sentence: str) -> list[int]:
    return featurizer.passage([sentence])[0]


@pytest.mark.parametrize(
    ("sentence", "negator"),
    [
        ("Honestly it is not bad at all", "dbl_not"),
        ("Nothing went wrong with the order", "dbl_nothing"),
        ("Never had a single problem", "dbl_never"),
        ("Release notes: fixed a crash when opening settings", "dbl_fixed"),
        ("It has never caused me a moment's bother", "dbl_never"),  # the complaint word six words on
        # Not needing to do something about a company: nothing to complain of.
        ("Never once had to call them in five years", "dbl_never"),
        ("I did not need to chase them", "dbl_not"),
        # Typos in the negator or in the word it negates: the same reading.
        ("Nveer had a single probem", "dbl_never"),
        ("nthing went wong", "dbl_nothing"),
    ],
)
def test_a_negated_complaint_turns_its_negator_into_a_dbl_word(featurizer: Featurizer, sentence: str, negator: str) -> None:
    found = features(featurizer, sentence)
    assert bucket(f"w:{negator}") in found and bucket(f"w:{negator[4:]}") not in found


@pytest.mark.parametrize(
    "sentence",
    [
        "The app is not working",  # negates no complaint word: a plain negator
        "They still have not fixed the crash",  # "not" negates the fix, not the crash
        "Not cheap but the support is bad",  # the negation ends at "but"
        "I should not have to call them five times",  # a need that ought not to be: a complaint
        "I have not had a reply",  # a plain negator, however it starts
    ],
)
def test_a_negator_that_does_not_negate_a_complaint_stays_as_it_is(featurizer: Featurizer, sentence: str) -> None:
    found = features(featurizer, sentence)
    assert not {bucket(f"w:dbl_{n}") for n in ("not", "fixed")} & set(found)


def test_the_negation_ends_where_the_sentence_turns(featurizer: Featurizer) -> None:
    assert tokens_with_negation("not cheap but the support is bad")[-3:] == ["support", "is", "bad"]


def test_praise_is_ironic_only_in_a_passage_with_a_sarcasm_marker(featurizer: Featurizer) -> None:
    ironic = featurizer.passage(["Oh great, they deleted my photos again.", "Fantastic job."])
    sincere = featurizer.passage(["They restored my photos.", "Fantastic job."])
    assert bucket("w:sar_fantastic") in ironic[1] and bucket("w:fantastic") not in ironic[1]
    assert bucket("w:fantastic") in sincere[1] and bucket("w:sar_fantastic") not in sincere[1]
    assert bucket("x:sarcasm") in ironic[0] and bucket("x:sarcasm") not in ironic[1]


def test_numbers_are_one_word_whatever_their_value() -> None:
    assert tokens_with_negation(normalise("paid £19.99 for order 48213")) == tokens_with_negation(normalise("paid $310 for order 7"))
    assert "8am" in normalise("at 8am") and "mp3" in normalise("the mp3 player")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("probem", "problem"), ("prblem", "problem"), ("porblem", "problem"), ("problemm", "problem"), ("problem", "problem")],
)
def test_near_finds_a_word_one_typo_away(typed: str, meant: str) -> None:
    assert Near(["problem", "never"]).find(typed) == meant


@pytest.mark.parametrize(
    "word",
    [
        "share",  # a letter replaced ("shame"): too many real words are one replacement from another
        "either",  # another first letter ("neither")
        "bad",  # too short to tell a typo from another word
        "solve",  # not a typo of a word of the vocabulary
    ],
)
def test_near_leaves_other_words_alone(word: str) -> None:
    assert Near(["shame", "neither", "bid", "fixed"]).find(word) is None


@pytest.mark.parametrize(
    "sentence",
    [
        "thanks for nothing I am furious",  # a new subject: the fury is not negated
        "no reply from anyone at the shop about the broken screen",  # too far from the negator to be what it negates
    ],
)
def test_a_negator_negates_only_the_next_few_words_of_its_own_clause(featurizer: Featurizer, sentence: str) -> None:
    assert not {bucket(f"w:dbl_{n}") for n in ("nothing", "no")} & set(featurizer.passage([sentence])[0])



def test_an_uncommon_word_one_typo_from_a_common_one_is_read_as_that_word() -> None:
    featurizer = Featurizer(LEXICON, real_words=frozenset({"thanks", "nothing", "battery", "died", "emotion", "positive"}))
    assert features(featurizer, "thanks for noothing") == features(featurizer, "thanks for nothing")
    assert bucket("x:sarcasm") in features(featurizer, "thanks for noothing")  # the marker is found in the respelt words
    assert features(featurizer, "the batetry died") == features(featurizer, "the battery died")
    # A name inside a sentence is not a typo ("Paris" is not "pairs"); the same word starting it may be one.
    names = Featurizer(LEXICON, real_words=frozenset({"pairs"}))
    assert bucket("w:paris") in features(names, "Flights to Paris again") and bucket("w:pairs") in features(names, "Paris of socks")
    # Marked tokens are not words to respell: the emoticon stays an emoticon, not an "emotion".
    assert bucket("w:emoticon_positive") in features(featurizer, "fine :)")
    # A model that recorded no common words reads every spelling as written.
    assert bucket("x:sarcasm") not in features(Featurizer(LEXICON), "thanks for noothing")


def test_a_text_in_another_language_is_not_respelt() -> None:
    featurizer = Featurizer(LEXICON, real_words=frozenset({"nothing", "battery"}))
    # "nothin" is one typo from "nothing", and respelt in English; read as written when told not to respell.
    assert featurizer.passage(["thanks for nothin"], respell=False) != featurizer.passage(["thanks for nothing"], respell=False)
    assert featurizer.passage(["thanks for nothin"]) == featurizer.passage(["thanks for nothing"])


def test_real_words_are_those_many_texts_use() -> None:
    assert real_words(["want want", "I want it", "with", "flight 404"], min_texts=2) == frozenset({"want"})


def test_the_typo_table_of_a_small_vocabulary_finds_what_near_finds() -> None:
    vocabulary = ["problem", "never", "nothing", "cannot"]
    table, near = typo_table(vocabulary), Near(vocabulary)
    typed = [*table, "share", "either", "bad", "solve", "xproblem", "problme", "prolem", "nver"]
    assert all(table.get(word) == near.find(word) for word in typed if len(word) >= 4)
    assert table["nveer"] == "never" and "ever" not in table


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Can't wait for the new phone!", ["phrase_cant_wait", "for", "the", "new", "phone", "!"]),
        ("cannot wait to try it", ["phrase_cant_wait", "to", "try", "it"]),
        ("No doubt the best phone", ["phrase_no_doubt", "the", "best", "phone"]),
        ("You can't go wrong with it", ["you", "phrase_cant_go_wrong", "with", "it"]),
        ("Non vedo l'ora di provarlo", ["phrase_cant_wait", "di", "provarlo"]),
        ("I can't believe how good it is", ["i", "phrase_cant_believe", "how", "good", "it", "is"]),
        # Patterns: the negator alone becomes the phrase's word, the words around it read as they stand.
        ("Couldn't be happier with it", ["could", "phrase_negated_comparative", "be", "happier", "with", "it"]),
        ("Never been better", ["phrase_negated_comparative", "been", "better"]),
        ("could not have been more helpful", ["could", "phrase_negated_comparative", "have", "been", "more", "helpful"]),
        ("It couldn't be worse", ["it", "could", "phrase_negated_comparative", "be", "worse"]),
        ("Can't recommend them enough", ["ca", "phrase_cant_enough", "recommend", "them", "enough"]),
    ],
)
def test_a_pseudo_negation_is_one_word_and_negates_nothing(sentence: str, expected: list[str]) -> None:
    assert tokens_with_negation(normalise(sentence)) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("I can wait", ["i", "can", "wait"]),
        ("not waiting", ["not", "neg_waiting"]),
        ("Not only did they lose my bag", ["not", "neg_only", "neg_did", "neg_they", "neg_lose", "neg_my", "neg_bag"]),
        ("can't get printer to work", ["ca", "not", "neg_get", "neg_printer", "neg_to", "neg_work"]),
        ("It is not fast enough", ["it", "is", "not", "neg_fast", "neg_enough"]),
        ("can't log in, not enough", ["ca", "not", "neg_log", "neg_in", ",", "not", "neg_enough"]),
    ],
)
def test_other_words_and_phrases_with_a_negator_read_as_before(sentence: str, expected: list[str]) -> None:
    assert tokens_with_negation(normalise(sentence)) == expected
