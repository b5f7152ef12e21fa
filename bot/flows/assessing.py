"""How a mention is judged: its language first, then the detector (or, for a language the detector cannot judge,
what [classifier] other_languages says), then triage. Shared by ingest and the dry runs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.classifier import Classifier, supported_languages
from bot.classifier.base import Classification
from bot.classifier.language import Language, identify, identify_all
from bot.classifier.optional import LlmClassifier
from bot.classifier.triage import assess
from bot.config import AppConfig
from bot.domain.languages import language_name
from bot.domain.relevance import mention_text, names_brand
from bot.services.mentions import Assessment
from sources import Mention


class OtherLanguageLlm:
    """The LLM that judges mentions in languages the detector cannot ([classifier] other_languages = "llm"), for one
    batch: after it fails once, the batch's other such mentions are routed without asking (each would wait out the
    timeout too, inside the batch's transaction); the next batch asks again."""

    def __init__(self, llm: LlmClassifier | None) -> None:
        self.llm = llm
        self.failed = False

    def judge(self, text: str, mention: Mention, config: AppConfig, language: str) -> Classification | None:
        if self.llm is None or self.failed:
            return None
        verdict = self.llm.judge(text, rating=mention.rating, brand_terms=config.brand.terms, language=language_name(language))
        self.failed = verdict is None
        return verdict


NO_LLM = OtherLanguageLlm(None)


@dataclass(frozen=True)
class Judged:
    """A mention's language and the detector's verdict, judged ahead (bot/flows/prejudge.py); `verdict` None in a
    language the detector cannot read. A negative one's fingerprint too (None: too short to have one)."""

    language: Language
    verdict: Classification | None
    fingerprinted: bool = False
    fingerprint: str | None = None


def detector_verdict(classifier: Classifier, mention: Mention, text: str, language: Language, brand_terms: Sequence[str]) -> Judged:
    """The detector's verdict on a mention in its language; none in a language the detector cannot read. The one rule,
    in this process or in a worker (bot/flows/prejudge.py)."""
    known = language.known
    if known is not None and known not in supported_languages(classifier):
        return Judged(language, None)
    return Judged(language, classifier.classify(text, rating=mention.rating, brand_terms=brand_terms, language=known))


def identify_languages(batch: Sequence[Mention], config: AppConfig) -> list[Language]:
    """The languages of a batch's mentions, identified together: much faster than one at a time (see identify_all)."""
    return identify_all([mention_text(m.title, m.text) for m in batch], config.brand.terms)


def assess_mention(
    mention: Mention,
    classifier: Classifier,
    config: AppConfig,
    author_history: Callable[[], int] = lambda: 0,
    *,
    reported: bool = False,
    llm: OtherLanguageLlm = NO_LLM,
    identified: Language | None = None,
    prejudged: Judged | None = None,
) -> Assessment:
    """Triage (severity, topics, troll signal) only for what can open or join a case: a negative verdict, a mention
    routed for a person to judge, or a person's report. `author_history` (the author's recent negative mentions) is
    only asked for when negative. `identified`: the mention's language when its batch was identified already;
    `prejudged`: its language and verdict, when judged ahead in a worker."""
    text = mention_text(mention.title, mention.text)
    judged = prejudged or detector_verdict(classifier, mention, text, identified or identify(text, config.brand.terms), config.brand.terms)
    language, verdict = judged.language.known, judged.verdict
    if verdict is None:  # a language the detector cannot read, so one the identifier named
        unread = judged.language.code
        verdict = llm.judge(text, mention, config, unread) if config.classifier.other_languages == "llm" else None
        if verdict is None:
            return _unjudged(mention, text, config, unread, author_history, reported=reported)
    negative = verdict.score >= config.threshold_for(mention.source_name)
    if not (negative or reported):
        return Assessment(verdict.score, verdict.reasons, negative, None, verdict.evidence, language)
    triage = assess(
        text,
        score=verdict.score,
        reach=mention.reach,
        rating=mention.rating,
        config=config.classifier,
        author_recent_negative=author_history() if negative else 0,
        language=language,
    )
    return Assessment(verdict.score, verdict.reasons, negative, triage, verdict.evidence, language)


def _unjudged(
    mention: Mention, text: str, config: AppConfig, language: str, author_history: Callable[[], int], *, reported: bool
) -> Assessment:
    """In a language nobody scored: routed to a person (route, and llm when the LLM cannot answer) if it names the
    brand (the webhook's mentions need not, but nobody has judged this one), else stored without a card (skip)."""
    routed = config.classifier.other_languages != "skip" and names_brand(text, tuple(config.brand.terms))
    reasons = (f"the detector does not read {language_name(language)}",)
    if not (routed or reported):
        return Assessment(0.0, reasons, False, None, "", language, unscored=True)
    triage = assess(
        text,
        score=0.0,
        reach=mention.reach,
        rating=mention.rating,
        config=config.classifier,
        author_recent_negative=author_history() if routed else 0,
        language=language,
    )
    return Assessment(0.0, reasons, routed, triage, "", language, unscored=True)
