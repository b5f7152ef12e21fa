"""The shipped detector, for real: loads offline, gets clear cases right, explains itself."""

from __future__ import annotations

import pytest

from bot.classifier import ClassifierConfig, load_classifier
from bot.classifier.features import extract, normalise, tokens_with_negation
from bot.classifier.lexicon import LexiconClassifier
from bot.classifier.linear import MODEL_PATH, LinearClassifier


@pytest.fixture(scope="module")
def detector() -> LinearClassifier:
    return LinearClassifier()


@pytest.mark.parametrize(
    "text",
    [
        "@AcmeHelp charged me twice for one order and nobody answers my emails. I want a refund.",
        "Third day without internet. Acme support keeps closing my ticket 😡 #NeverAgain",
        "Flight delayed 5 hours, lost my bag, and the staff were rude. Worst airline ever",
        "The app crashes every time I open my orders since the update. Useless.",
    ],
)
def test_clear_complaints_are_negative(detector: LinearClassifier, text: str) -> None:
    assert detector.classify(text).score >= 0.5


@pytest.mark.parametrize(
    "text",
    [
        "Just got my new Acme kettle and I love it, thank you for the quick delivery!",
        "Great service from the team at the Leeds store today 👍",
        "Acme announces quarterly results on Thursday",
    ],
)
def test_praise_and_news_are_not(detector: LinearClassifier, text: str) -> None:
    assert detector.classify(text).score < 0.5


def test_negation_changes_the_verdict(detector: LinearClassifier) -> None:
    assert detector.classify("The new app is not working at all").score > detector.classify("The new app is working great").score
    assert tokens_with_negation("not working, fine") == ["not", "neg_working", ",", "fine"]


def test_star_ratings_override_the_words(detector: LinearClassifier) -> None:
    polite = "Lovely staff, nice packaging."
    one_star = detector.classify(polite, rating=1)
    assert one_star.score >= 0.9 and one_star.reasons[0] == "1-star review"
    assert detector.classify("Terrible, broke in a day", rating=5).score <= 0.3


def test_reasons_name_the_words_that_mattered(detector: LinearClassifier) -> None:
    result = detector.classify("Worst customer service ever, still waiting for my refund")
    assert result.reasons
    assert any("refund" in r or "worst" in r or "waiting" in r for r in result.reasons)


def test_mentions_are_normalised_into_tokens() -> None:
    text = normalise("@AcmeHelp sooo bad!!! https://t.co/x #NotHappy 😡 :(")
    assert "user" in text and "url" in text and "soo" in text
    assert "not happy" in text and "hashtag_nothappy" in text
    assert "emoji_negative" in text and "emoticon_negative" in text
    assert "x:sarcasm" in extract("Oh great, another outage. Thanks for nothing 🙄").names


def test_model_is_small_and_loads_offline() -> None:
    assert MODEL_PATH.stat().st_size < 2_000_000
    assert load_classifier(ClassifierConfig()).name == "default"


def test_lexicon_backend_is_honest_and_simple() -> None:
    lexicon = LexiconClassifier()
    assert lexicon.classify("terrible service, still waiting for a refund").score >= 0.5
    assert lexicon.classify("great service, thanks").score < 0.5
    negated = lexicon.classify("not bad at all")
    assert negated.score < 0.5 and "“not bad”" in negated.reasons
    assert load_classifier(ClassifierConfig(backend="lexicon")).name == "lexicon"
