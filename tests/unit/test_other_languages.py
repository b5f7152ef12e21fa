"""A mention in a language the detector cannot judge is never given a made-up score: [classifier] other_languages."""

from __future__ import annotations

import json
from collections.abc import Sequence

import httpx

from bot.classifier import ClassifierConfig, supported_languages
from bot.classifier.base import Classification
from bot.classifier.optional import LlmClassifier
from bot.config import AppConfig, parse_config
from bot.flows.assessing import OtherLanguageLlm, assess_mention
from sources import Mention
from tests.conftest import TEST_CONFIG

JAPANESE = "Acmeの配達が三日も遅れています。サポートに電話しても誰も出ません。本当に最悪です。"
SPANISH = "Acme me cobró dos veces el pedido y nadie contesta mis correos. Quiero mi dinero ya."


class Detector:
    """Reads the languages it is given; every text it is asked about is negative, and remembered."""

    name = "detector"

    def __init__(self, *languages: str) -> None:
        self.supported_languages = frozenset(languages)
        self.asked: list[str] = []
        self.told: list[str | None] = []  # the language each text came with

    def classify(self, text: str, *, rating: int | None = None, brand_terms: Sequence[str] = (), language: str | None = None) -> Classification:
        self.asked.append(text)
        self.told.append(language)
        return Classification(0.9, ("negative",))


def config(other_languages: str = "route") -> AppConfig:
    return parse_config(TEST_CONFIG + f'\n[classifier]\nother_languages = "{other_languages}"\n', "test")


def mention(text: str) -> Mention:
    return Mention("webhook", "brand24", "1", "https://forum.example.com/t/1", text)


def test_a_detector_that_names_no_languages_reads_english_only() -> None:
    class Old:
        name = "old"

        def classify(self, text: str, *, rating: int | None = None, brand_terms: Sequence[str] = (), language: str | None = None) -> Classification:
            return Classification(0.1)

    assert supported_languages(Old()) == frozenset({"en"})
    assert supported_languages(Detector("en", "es")) == frozenset({"en", "es"})


def test_route_opens_a_case_without_asking_the_detector() -> None:
    detector = Detector("en")
    judged = assess_mention(mention(JAPANESE), detector, config("route"))
    assert detector.asked == []
    assert judged.unscored and judged.negative and judged.score == 0.0 and judged.language == "ja"
    assert judged.triage is not None and judged.reasons == ("the detector does not read Japanese",)


def test_skip_stores_it_without_a_case() -> None:
    judged = assess_mention(mention(JAPANESE), Detector("en"), config("skip"))
    assert judged.unscored and not judged.negative and judged.triage is None and judged.language == "ja"


def test_an_unjudgeable_mention_must_name_the_brand_to_be_routed() -> None:
    judged = assess_mention(mention("配達が三日も遅れています。サポートに電話しても誰も出ません。"), Detector("en"), config("route"))
    assert judged.unscored and not judged.negative
    # A person's report opens a case all the same.
    reported = assess_mention(mention("配達が三日も遅れています。"), Detector("en"), config("skip"), reported=True)
    assert reported.unscored and reported.triage is not None


def test_a_supported_language_and_an_undetermined_one_are_judged_as_usual() -> None:
    detector = Detector("en", "es")
    assert assess_mention(mention(SPANISH), detector, config("skip")).language == "es"
    for text in ("Acme 😡😡😡", "Acme ok!!", "Mi pedido de Acme never arrived and customer service no contesta"):
        judged = assess_mention(mention(text), detector, config("skip"))
        assert not judged.unscored and judged.negative and judged.language is None
    assert len(detector.asked) == 4


def llm(answers: list[httpx.Response], prompts: list[str]) -> LlmClassifier:
    def handle(request: httpx.Request) -> httpx.Response:
        prompts.append(json.loads(request.content)["messages"][0]["content"])
        return answers.pop(0)

    return LlmClassifier(ClassifierConfig(other_languages="llm"), fallback=Detector("en"), http=httpx.Client(transport=httpx.MockTransport(handle)))


def test_llm_judges_it_in_its_language_and_routes_it_unscored_when_it_cannot() -> None:
    prompts: list[str] = []
    answer = {"choices": [{"message": {"content": '{"negativity": 0.8, "reason": "late delivery", "quote": ""}'}}]}
    batch = OtherLanguageLlm(llm([httpx.Response(200, json=answer), httpx.Response(503), httpx.Response(200, json=answer)], prompts))
    detector = Detector("en")

    judged = assess_mention(mention(JAPANESE), detector, config("llm"), llm=batch)
    assert (judged.score, judged.negative, judged.unscored, judged.reasons) == (0.8, True, False, ("LLM: late delivery",))
    assert "written in Japanese" in prompts[0] and detector.asked == []

    failed = assess_mention(mention(JAPANESE), detector, config("llm"), llm=batch)
    assert failed.unscored and failed.negative
    # The rest of the batch is not sent to an LLM that just failed: routed unscored without waiting for it.
    again = assess_mention(mention(JAPANESE), detector, config("llm"), llm=batch)
    assert again.unscored and again.negative and len(prompts) == 2


def test_the_detector_is_told_the_language_it_reads() -> None:
    """The shipped detector respells typos only in English (and undetermined) texts: it must know which it reads."""
    detector = Detector("en", "es")
    for text in (SPANISH, "Acme charged me twice and nobody answers my emails, I want my money back", "Acme ok!!"):
        assess_mention(mention(text), detector, config("skip"))
    assert detector.told == ["es", "en", None]
