"""Severity, topics, troll signal; near-duplicates; spikes."""

from __future__ import annotations

from bot.classifier import ClassifierConfig
from bot.classifier.similarity import NearDuplicates, fingerprint, spikes
from bot.classifier.triage import assess

CONFIG = ClassifierConfig()


def test_topics_come_from_configurable_keyword_sets() -> None:
    triage = assess("Charged twice and the parcel never arrived", score=0.9, reach=None, rating=None, config=CONFIG)
    assert triage.topics == ("billing", "delivery")
    custom = ClassifierConfig(topics={"stores": ["Leeds store"]})
    assert assess("the leeds store was closed", score=0.6, reach=None, rating=None, config=custom).topics == ("stores",)


def test_every_term_is_found_in_any_case_next_to_any_punctuation() -> None:
    # One reading for all the terms decides whether each list is read: it must not miss what a list finds.
    for name, words in CONFIG.topics.items():
        for word in words:
            for text in (f"Acme {word.upper()}, again", f"{word.title()}: acme", f"acme ({word})", f"acme {word}ing {word}"):
                assert name in assess(text, score=0.9, reach=None, rating=None, config=CONFIG).topics, text
    for level, words in CONFIG.urgent_terms.items():
        for word in words:
            assert assess(f"Acme. {word.upper()}!", score=0.6, reach=None, rating=None, config=CONFIG).severity == level, word
    # One list's term inside another list's is found by both.
    custom = ClassifierConfig(topics={"long": ["customer service desk"], "short": ["service desk"]})
    assert assess("the Customer Service Desk", score=0.6, reach=None, rating=None, config=custom).topics == ("long", "short")
    assert assess("a chargeback, not a charge", score=0.6, reach=None, rating=None, config=CONFIG).topics == ("billing",)
    assert assess("a chargeback", score=0.6, reach=None, rating=None, config=CONFIG).topics == ()
    # Within one list, a term inside a longer one that matched is not found again (as a regular expression's scan).
    nested = ClassifierConfig(urgent_terms={"critical": ["breach", "data breach"]})
    assert assess("a Data Breach, another breach", score=0.6, reach=None, rating=None, config=nested).reasons == ("urgent: breach, data breach",)
    assert assess("a Data Breach", score=0.6, reach=None, rating=None, config=nested).reasons == ("urgent: data breach",)


def test_severity_rises_with_urgent_terms_and_reach() -> None:
    assert assess("the kettle caught fire, unsafe", score=0.9, reach=None, rating=None, config=CONFIG).severity == "critical"
    assert assess("I want a refund", score=0.7, reach=None, rating=None, config=CONFIG).severity == "high"
    assert assess("meh, slow app", score=0.6, reach=50_000, rating=None, config=CONFIG).severity == "high"
    assert assess("meh, slow app", score=0.85, reach=None, rating=None, config=CONFIG).severity == "medium"
    assert assess("meh, slow app", score=0.6, reach=10, rating=None, config=CONFIG).severity == "low"


def test_abuse_without_specifics_or_a_repeat_author_is_a_troll() -> None:
    troll = assess("acme are idiots lol", score=0.9, reach=None, rating=None, config=CONFIG)
    assert troll.troll and troll.severity == "low" and "abuse without specifics" in troll.reasons
    angry_customer = assess("you idiots charged me twice, refund me", score=0.9, reach=None, rating=None, config=CONFIG)
    assert not angry_customer.troll
    assert assess("bad", score=0.9, reach=None, rating=None, config=CONFIG, author_recent_negative=5).troll


def test_reposts_and_small_edits_are_near_duplicates() -> None:
    open_cases = NearDuplicates([(fingerprint("Acme charged me twice and support ignores my emails. I want a refund now"), 7)])
    assert open_cases.find(fingerprint("RT @sam: Acme charged me twice and support ignores my emails. I want a refund now https://t.co/abc")) == 7
    assert open_cases.find(fingerprint("acme charged me twice and support ignores my emails, I want a refund!!")) == 7
    assert open_cases.find(fingerprint("Acme delivery was late again and the box was crushed on arrival")) is None
    assert fingerprint("too short") is None and open_cases.find(None) is None
    open_cases.add(fingerprint("Acme delivery was late again and the box was crushed on arrival"), 8)
    assert open_cases.find(fingerprint("acme delivery was late again, and the box was crushed on arrival!")) == 8


def test_spikes_need_volume_over_the_usual_day() -> None:
    found = spikes({"billing": 12, "delivery": 4, "app": 6}, {"billing": [2, 3, 2, 1], "delivery": [0, 0, 0], "app": [5, 6, 4]})
    assert [(s.key, s.today, s.baseline) for s in found] == [("billing", 12, 2.0)]
