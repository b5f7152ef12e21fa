"""The `[classifier]` table of the config."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.classifier import keywords
from bot.domain.languages import LANGUAGE_NAMES

DEFAULT_TOPICS = {
    "billing": ["bill", "billing", "charge", "charged", "overcharged", "refund", "invoice", "payment", "price", "subscription", "fee", "money back"],
    "delivery": ["delivery", "delivered", "shipping", "shipment", "parcel", "package", "courier", "arrived", "tracking", "late", "lost"],
    "support": ["support", "customer service", "helpdesk", "ticket", "agent", "on hold", "no reply", "no response", "chat", "call centre", "call center"],
    "product": ["broken", "bug", "crash", "crashes", "crashing", "defect", "doesn't work", "not working", "stopped working", "error", "quality", "update"],
    "staff": ["staff", "rude", "employee", "manager", "driver", "cashier", "attitude"],
    "account": ["account", "login", "log in", "password", "locked out", "hacked", "data breach", "privacy"],
}
DEFAULT_URGENT: dict[Literal["critical", "high"], list[str]] = {
    "critical": ["lawsuit", "lawyer", "legal action", "sue", "suing", "unsafe", "dangerous", "injured", "injury", "fire", "data breach", "hacked", "fraud", "police"],
    "high": ["refund", "chargeback", "cancel", "cancelling", "canceling", "scam", "never again", "report you", "trading standards", "ombudsman", "bbb"],
}


Urgency = Literal["critical", "high"]


def _no_blank(lists: dict[str, list[str]]) -> dict[str, list[str]]:
    for name, terms in lists.items():
        if any(not t.strip() for t in terms):
            raise ValueError(f"{name}: terms must not be blank")
    return {name: [t.strip() for t in terms] for name, terms in lists.items()}


class LanguageTerms(BaseModel):
    """`[classifier.languages.<code>]`: keywords in one language, added to the configured ones for its mentions."""

    model_config = ConfigDict(extra="forbid")

    # Topic name (one of [classifier] topics) -> this language's words for it.
    topics: dict[str, list[str]] = {}
    urgent_terms: dict[Urgency, list[str]] = {}

    _blank_topics = field_validator("topics")(_no_blank)
    _blank_urgent = field_validator("urgent_terms")(_no_blank)


@cache
def _shipped(language: str) -> LanguageTerms | None:
    if language not in keywords.TOPICS:
        return None
    return LanguageTerms.model_validate({"topics": keywords.TOPICS[language], "urgent_terms": keywords.URGENT[language]})


class ClassifierConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    backend: Literal["default", "lexicon", "transformers", "llm"] = "default"
    # transformers: a sentiment model name from the Hugging Face hub (needs `pip install transformers torch`).
    transformers_model: str = "distilbert-base-uncased-finetuned-sst-2-english"
    # llm: any OpenAI-compatible chat completions API; falls back to the default detector on errors.
    llm_base_url: str = "https://api.openai.com/v1"
    llm_model: str = "gpt-4o-mini"
    llm_api_key_env: str = "OPENAI_API_KEY"
    llm_timeout_seconds: float = Field(default=10.0, gt=0)
    topics: dict[str, list[str]] = Field(default_factory=lambda: {k: list(v) for k, v in DEFAULT_TOPICS.items()})
    urgent_terms: dict[Urgency, list[str]] = Field(default_factory=lambda: {k: list(v) for k, v in DEFAULT_URGENT.items()})
    # Reach (followers, points, karma) at which a mention counts as high-severity on its own.
    high_reach: int = Field(default=10_000, ge=0)
    # Tell the first manager at once (DM) about cases at or above this severity.
    notify_manager_at: Literal["high", "critical", "never"] = "critical"
    # The team's models (train --add, model list / use): default `models/` beside the SQLite file, or beside the config.
    models_dir: Path | None = None
    # Pin one model file instead of the one `complaint-bot model use` chose (default: that one, else the shipped model).
    model: Path | None = None
    # Warn once in the channel when the team's own decisions put a source's precision below this...
    precision_floor: float = Field(default=0.6, ge=0.0, le=1.0)
    # ...over at least this many decisions (not a complaint, against claimed or resolved as one) in the last 30 days.
    precision_min_decisions: int = Field(default=20, ge=1)
    # After the digest, list up to this many of the day's mentions scored just under their source's threshold, each with
    # a button to report it as a complaint (which also makes it a label for `train --add`); 0 lists none.
    near_misses: int = Field(default=5, ge=0, le=10)
    # A mention in a language the detector cannot judge (it would be mis-scored): "route" posts its card marked
    # "not scored: Japanese — please judge"; "skip" stores it unposted and counts it in the digest; "llm" asks the
    # LLM (llm_* settings), and routes it unscored when the LLM cannot answer. Route is the default: a complaint in
    # any language reaches a person, and nothing the bot cannot read is silently dropped.
    other_languages: Literal["route", "skip", "llm"] = "route"
    # Keywords per language (ISO 639-1 code): [classifier.languages.es] topics = {billing = ["factura"]}, urgent_terms = {...}.
    languages: dict[str, LanguageTerms] = {}

    @field_validator("languages")
    @classmethod
    def _known_codes(cls, languages: dict[str, LanguageTerms]) -> dict[str, LanguageTerms]:
        for code in languages:
            if code not in LANGUAGE_NAMES:
                raise ValueError(f"{code!r} is not a language code the bot knows (use ISO 639-1, e.g. es, fr, de, ar)")
        return languages

    @model_validator(mode="after")
    def _known_topics(self) -> ClassifierConfig:
        for code, terms in self.languages.items():
            unknown = sorted(set(terms.topics) - set(self.topics))
            if unknown:
                raise ValueError(f"languages.{code}.topics: {', '.join(unknown)} not in [classifier] topics ({', '.join(self.topics)})")
        return self

    def terms_for(self, language: str | None) -> tuple[dict[str, list[str]], dict[Urgency, list[str]]]:
        """The topic and urgent keyword lists for a mention in `language`: the configured ones and the language's own
        (its [classifier.languages] table, else the shipped ones of bot/classifier/keywords.py)."""
        urgent: dict[Urgency, list[str]] = {"critical": self.urgent_terms.get("critical", []), "high": self.urgent_terms.get("high", [])}
        code = language or ""
        own = self.languages[code] if code in self.languages else _shipped(code)
        if own is None:
            return self.topics, urgent
        topics = {name: terms + own.topics.get(name, []) for name, terms in self.topics.items()}
        return topics, {level: terms + own.urgent_terms.get(level, []) for level, terms in urgent.items()}
