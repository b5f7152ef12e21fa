"""What the detector reads: links, handles, tags, emoji and markup normalised the same way in training and
inference; words in every script; the languages a model file claims."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from bot.classifier import ClassifierConfig, load_classifier
from bot.classifier.features import BUCKETS, Featurizer, bucket, normalise, tokens_with_negation
from bot.classifier.lexicon import LexiconClassifier
from bot.classifier.linear import LinearClassifier, LinearModel, ModelSettings, text_indices
from bot.classifier.passages import clean, paragraphs, passages
from bot.classifier.train import unclaimed

BASE = "the engineer never came and nobody called back"


@pytest.fixture(scope="module")
def featurizer() -> Featurizer:
    return Featurizer({"never": -1, "good": 2})


@pytest.mark.parametrize(
    "noisy",
    [
        f"{BASE} https://example.com/a/b?c=1",
        f"https://t.co/Ab12 {BASE}",
        f"bit.ly/3xYz {BASE}",
        f"{BASE} www.example.org",
        f"{BASE} http",
        f"@AcmeHelp {BASE} @sam_k",
        f"{BASE} 📦 🏠",
        f"<b>{BASE}</b>",
        f"**{BASE}**",
        f"[{BASE}](https://example.com)",
        f"<https://example.com/x|{BASE}>",
        f"> {BASE}",
    ],
)
def test_neutral_noise_leaves_exactly_the_same_features(featurizer: Featurizer, noisy: str) -> None:
    assert sorted(text_indices(featurizer, noisy)) == sorted(text_indices(featurizer, BASE))


def test_hashtags_read_as_their_words_and_trailing_ones_without_spelling_or_pairs(featurizer: Featurizer) -> None:
    assert sorted(text_indices(featurizer, "the #router from #Acme broke")) == sorted(text_indices(featurizer, "the router from acme broke"))
    # The tags a text ends with: their words and lexicon class, nothing more, so they barely dilute what it says.
    assert sorted(text_indices(featurizer, "#NeverAgain #CustomerService")) == sorted(bucket(f) for f in ("w:never", "v:-1", "w:again", "w:customer", "w:service"))
    assert text_indices(featurizer, "#good_vibes") == [bucket("w:good"), bucket("v:2"), bucket("w:vibes")]
    assert sorted(text_indices(featurizer, f"{BASE} #Monday #TravelTuesday")) == sorted(text_indices(featurizer, BASE) + [bucket(f"w:{w}") for w in ("monday", "travel", "tuesday")])
    assert tokens_with_negation(normalise("not again #fail")) == ["not", "neg_again", "tag_fail"]  # a tag is not negated


def test_mood_emoji_become_tokens_and_others_vanish() -> None:
    assert tokens_with_negation(normalise("late again 😡")) == ["late", "again", "emoji_negative"]
    assert tokens_with_negation(normalise("arrived 🎉 📦")) == ["arrived", "emoji_positive"]
    assert "emoji_sarcasm" in normalise("great 🙄")


def test_words_in_every_script_and_their_negators() -> None:
    assert tokens_with_negation(normalise("Ça ne marche pas")) == ["ça", "ne", "neg_marche", "neg_pas"]
    assert tokens_with_negation(normalise("Die App funktioniert nicht mehr")) == ["die", "app", "funktioniert", "nicht", "neg_mehr"]
    assert tokens_with_negation(normalise("الخدمة سيئة جدا")) == ["الخدمة", "سيئة", "جدا"]
    assert tokens_with_negation(normalise("service bilkul nahi chal raha")) == ["service", "bilkul", "nahi", "neg_chal", "neg_raha"]
    assert tokens_with_negation(normalise("I cant log in")) == ["i", "cant", "neg_log", "neg_in"]


def test_clean_keeps_the_words_of_markup_and_folds_compatibility_letters() -> None:
    assert clean("see <https://x.com/a|the page> and <@U123>") == "see the page and"
    assert clean("a [guide](https://d.com/x) and __bold__ and `code`") == "a guide and bold and code"
    assert clean("ＡＣＭＥ ﻃﻔﻞ") == "ACME طفل"
    assert paragraphs(clean("<p>first part</p><p>second part</p>")) == ["first part", "second part"]
    assert clean("snake_case and 2*3*4") == "snake_case and 2*3*4"


def test_paragraphs_are_passages_of_their_own() -> None:
    intro = "We spent the weekend sorting the garage and taking old books to the recycling centre in town. " * 3
    complaint = "Acme took my money twice and refuses to refund me."
    found = passages(f"{intro}\n\n{complaint}\n\n{intro}", passage_chars=1, brand_terms=["Acme"])
    assert [p.paragraph for p in found if p.about_brand] == [1]
    assert [p.sentences for p in found if p.paragraph == 1] == [(complaint,)]  # a short paragraph is read whole
    assert {p.paragraph for p in found} == {0, 1, 2}
    assert len(passages("one line. another line.", passage_chars=1)) == 1  # a short text is read whole


def test_a_passage_that_calls_the_brand_they_after_it_is_named_is_about_the_brand() -> None:
    garden = "We spent the weekend sorting the garage and taking old books to the recycling centre in town. " * 3
    named = "We moved our broadband to Acme in the spring."

    def about_brand(post: str) -> list[bool]:
        return [p.about_brand for p in passages(post, passage_chars=300, brand_terms=["Acme"])]

    assert about_brand(f"{named}\n\n{garden}\n\nSince then they have charged me twice.") == [True, False, True]
    assert about_brand(f"{named}\n\nTheir engineer never came.\n\n{garden}") == [True, True, False]
    # Before the brand is named, "they" is someone else; so is a "they" after an antecedent of its own.
    assert about_brand(f"They painted the fence.\n\n{named}\n\n{garden}") == [False, True, False]
    assert about_brand(f"{named}\n\nThe builders came at seven. They left rubble everywhere.\n\n{garden}") == [True, False, False]
    assert not any(p.about_brand for p in passages(f"{garden}\n\nThey charged me twice.", passage_chars=300))


def test_the_shipped_model_says_which_languages_it_judges() -> None:
    shipped = load_classifier(ClassifierConfig())
    # Romanised Hindi is trained on but not claimed: its dev F1 is no better than flagging every text.
    assert shipped.supported_languages == frozenset({"en", "es", "fr", "de", "pt", "it", "ar"})
    assert LexiconClassifier().supported_languages == frozenset({"en"})
    assert load_classifier(ClassifierConfig(backend="lexicon")).supported_languages == frozenset({"en"})


def test_a_language_judged_no_better_than_flagging_everything_is_not_claimed() -> None:
    dev_f1 = {"xlmt-hindi": 0.47, "xlmt-spanish": 0.62, "tweeteval": 0.40}
    flag_all = {"xlmt-hindi": 0.50, "xlmt-spanish": 0.50, "tweeteval": 0.50}
    assert unclaimed(dev_f1, flag_all) == ["hi"]
    assert unclaimed({"xlmt-spanish": 0.53}, {"xlmt-spanish": 0.50}) == ["es"]  # within the margin: not clearly better


@pytest.mark.parametrize(
    ("framed", "said"),
    [
        ("Good morning, my Acme router has been dead for three days. Thank you!", "my Acme router has been dead for three days."),
        ("Dear customer service, the parcel never came. Thanks in advance 🙏🏻", "the parcel never came."),
        ("Hi there, charged twice. Thanks. Kind regards, Sam Smith", "charged twice."),
        ("my bag is lost thanks", "my bag is lost"),
        ("Sehr geehrte Damen und Herren, mein Paket ist nicht angekommen. Mit freundlichen Grüßen", "mein Paket ist nicht angekommen."),
        ("Hola, Acme me cobró dos veces. Gracias de antemano", "Acme me cobró dos veces."),
    ],
)
def test_a_messages_greeting_and_sign_off_are_not_read(framed: str, said: str) -> None:
    assert [p.text for p in passages(framed, passage_chars=300)] == [said]
    assert clean(framed) != said  # the training texts keep theirs (passages.py says why)


@pytest.mark.parametrize(
    "kept",
    [
        "Thanks!",  # all it says
        "Cheers",
        "Thanks for nothing",  # not a closing formula: what it says
        "My parcel never came. Thanks for nothing",
        "Thanks Acme, sorted in five minutes. Brilliant.",  # thanks that open a text are what it says
        "Hey my phone broke, help",  # "Hey" and then no addressee: the greeting is the complaint's first word
    ],
)
def test_thanks_and_greetings_that_are_what_a_text_says_are_read(kept: str) -> None:
    assert [p.text for p in passages(kept, passage_chars=300)] == [kept]


def test_a_text_in_a_known_language_is_judged_by_that_languages_experts_alone() -> None:
    # An English expert that says "not negative" and a Spanish one that says "negative", with a gate that leans
    # Spanish whatever the text: the identified language, not the gate, decides between languages.
    bias = np.array([-2.0, 2.0, 0.0, 5.0], dtype=np.float32)  # the experts' log-odds, then the gate's
    model = LinearModel(np.zeros((BUCKETS, 4), dtype=np.float32), bias, ("tweets", "xlmt-spanish"), {}, ModelSettings(), frozenset({"en", "es"}))
    sums, counts = np.zeros((1, 4), dtype=np.float32), np.array([3])
    assert model.logits(sums, counts, "en")[0] == pytest.approx(-2.0)
    assert model.logits(sums, counts, "es")[0] == pytest.approx(2.0)
    mixed = 2.0 * (np.exp(5.0) - 1) / (np.exp(5.0) + 1)  # the gate's blend: 0.7 % English, 99.3 % Spanish
    assert model.logits(sums, counts, None)[0] == pytest.approx(mixed)
    assert model.logits(sums, counts, "de")[0] == pytest.approx(mixed)  # a language the model has no expert for: all of them


def test_a_text_in_no_known_language_is_not_judged_by_the_expert_of_a_language_the_model_does_not_claim() -> None:
    # The romanised Hindi expert (not claimed: no better than flagging everything) says "negative", and the gate leans
    # to it whatever the text, as it did for short English texts ("next day"): the claimed experts judge instead.
    bias = np.array([-2.0, 2.0, 6.0, 0.0, 0.0, 5.0], dtype=np.float32)  # the experts' log-odds, then the gate's
    model = LinearModel(np.zeros((BUCKETS, 6), dtype=np.float32), bias, ("tweets", "xlmt-spanish", "xlmt-hindi"), {}, ModelSettings(), frozenset({"en", "es"}))
    sums, counts = np.zeros((1, 6), dtype=np.float32), np.array([3])
    assert model.logits(sums, counts, None)[0] == pytest.approx(0.0)  # English and Spanish, equally
    assert model.logits(sums, counts, "hi")[0] == pytest.approx(0.0)  # identified, but not claimed
    assert model.logits(sums, counts, "en")[0] == pytest.approx(-2.0)


def test_a_model_file_from_before_languages_and_real_words_were_recorded_is_english(tmp_path: Path) -> None:
    model = LinearModel(np.zeros((BUCKETS, 2), dtype=np.float32), np.zeros(2, dtype=np.float32), ("general",), {"bad": -2}, ModelSettings(), frozenset({"en", "fr"}), frozenset({"want"}))
    path = tmp_path / "model.npz"
    model.save(path)
    saved = LinearModel.load(path)
    assert saved.languages == frozenset({"en", "fr"}) and saved.real_words == frozenset({"want"})
    assert LinearClassifier(saved).featurizer.real_words == frozenset({"want"})
    older = tmp_path / "older.npz"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(older, "w") as target:
        for name in source.namelist():
            if name not in ("languages.npy", "real_words.npy"):
                target.writestr(name, source.read(name))
    loaded = LinearModel.load(older)
    assert loaded.languages == frozenset({"en"}) and loaded.settings == ModelSettings() and loaded.real_words == frozenset()
    assert LinearClassifier(loaded).supported_languages == frozenset({"en"})
