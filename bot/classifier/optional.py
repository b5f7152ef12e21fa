"""Optional backends for users who can download models or call an LLM. Both are tested at their boundary."""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable, Sequence
from typing import Any

import httpx

from bot.classifier.base import ENGLISH, Classification, Classifier
from bot.classifier.config import ClassifierConfig
from bot.classifier.linear import rated

log = logging.getLogger(__name__)

PROMPT = (
    "You triage brand mentions for a customer-support team. Rate how much the following mention is a complaint or "
    "negative experience that the brand should respond to, from 0 (not at all) to 1 (clearly). Answer only with JSON: "
    '{"negativity": <number>, "reason": "<a few words>", "quote": "<the sentence that shows it, copied exactly, or empty>"}.'
)


class TransformersClassifier:
    """A Hugging Face text-classification pipeline (needs `transformers` and a model download)."""

    name = "transformers"
    # The default model is English; a multilingual one is the admin's choice, not something this backend can know.
    supported_languages = ENGLISH

    def __init__(self, config: ClassifierConfig, pipeline: Callable[[str], list[dict[str, Any]]] | None = None) -> None:
        if pipeline is None:
            try:
                from transformers import pipeline as make_pipeline
            except ImportError:
                raise RuntimeError("classifier.backend = 'transformers' needs `pip install transformers torch`") from None
            pipeline = make_pipeline("text-classification", model=config.transformers_model, truncation=True)
        self.pipeline = pipeline
        self.model_name = config.transformers_model

    def classify(self, text: str, *, rating: int | None = None, brand_terms: Sequence[str] = (), language: str | None = None) -> Classification:
        result = self.pipeline(text[:2000])[0]
        label, confidence = str(result["label"]).lower(), float(result["score"])
        negative = "neg" in label or label in ("label_0", "1 star", "2 stars")
        score = confidence if negative else 1 - confidence
        reasons = [f"{self.model_name}: {result['label']}"]
        if rating is not None:
            score, reason = rated(score, rating)
            reasons.insert(0, reason)
        return Classification(round(score, 4), tuple(reasons))


class LlmClassifier:
    """An OpenAI-compatible chat model; any failure falls back to the shipped detector."""

    name = "llm"
    # Its prompt is English, and a failed call falls back on the shipped detector: it claims English only.
    supported_languages = ENGLISH

    def __init__(self, config: ClassifierConfig, fallback: Classifier, http: httpx.Client | None = None) -> None:
        self.config = config
        self.fallback = fallback
        self.http = http or httpx.Client(timeout=config.llm_timeout_seconds)
        self.api_key = os.environ.get(config.llm_api_key_env, "")

    def classify(self, text: str, *, rating: int | None = None, brand_terms: Sequence[str] = (), language: str | None = None) -> Classification:
        judged = self.judge(text, rating=rating, brand_terms=brand_terms)
        if judged is None:  # logged: the default detector judges instead
            return self.fallback.classify(text, rating=rating, brand_terms=brand_terms, language=language)
        return judged

    def judge(self, text: str, *, rating: int | None = None, brand_terms: Sequence[str] = (), language: str = "") -> Classification | None:
        """The LLM's verdict, or None when it could not give one. `language`: the text's, by its English name, if known."""
        try:
            score, why, quote = self._ask(text, brand_terms, language)
        except Exception as exc:  # network, HTTP status, timeouts, unparseable answers
            log.warning("LLM classifier failed (%s)", type(exc).__name__)
            return None
        reasons = [f"LLM: {why}"] if why else []
        if rating is not None:
            score, reason = rated(score, rating)
            reasons.insert(0, reason)
        # Only a quote that is really in the text: a model may paraphrase or invent.
        evidence = quote[:300] if quote and quote in text else ""
        return Classification(round(score, 4), tuple(reasons), evidence)

    def _ask(self, text: str, brand_terms: Sequence[str], language: str = "") -> tuple[float, str, str]:
        brand = f" The brand is called: {', '.join(brand_terms)}." if brand_terms else ""
        written = f" The mention is written in {language}; give the reason in English." if language else ""
        prompt = f"{PROMPT}{brand}{written}\n\nMention:\n{text[:4000]}"
        response = self.http.post(
            self.config.llm_base_url.rstrip("/") + "/chat/completions",
            headers={"Authorization": f"Bearer {self.api_key}"},
            json={"model": self.config.llm_model, "temperature": 0, "messages": [{"role": "user", "content": prompt}]},
            timeout=self.config.llm_timeout_seconds,
        )
        response.raise_for_status()
        content = response.json()["choices"][0]["message"]["content"]
        match = re.search(r"\{.*\}", content, re.DOTALL)
        answer = json.loads(match.group(0) if match else content)
        score = float(answer["negativity"])
        if not 0 <= score <= 1:
            raise ValueError("negativity out of range")
        return score, str(answer.get("reason", ""))[:120], str(answer.get("quote") or "").strip()
