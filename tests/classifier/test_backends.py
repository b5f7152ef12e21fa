"""Optional backends, faked at their boundary: a transformers pipeline, an OpenAI-compatible API."""

from __future__ import annotations

import json

import httpx

from bot.classifier import ClassifierConfig
from bot.classifier.base import Classification
from bot.classifier.optional import LlmClassifier, TransformersClassifier


class Fixed:
    name = "fixed"

    def classify(self, text: str, *, rating: int | None = None) -> Classification:
        return Classification(0.42, ("fallback",))


def test_transformers_negative_label_becomes_negativity() -> None:
    calls = []

    def pipeline(text: str) -> list[dict]:
        calls.append(text)
        return [{"label": "NEGATIVE", "score": 0.93}]

    backend = TransformersClassifier(ClassifierConfig(backend="transformers"), pipeline=pipeline)
    result = backend.classify("awful")
    assert result.score == 0.93 and calls == ["awful"]
    positive = TransformersClassifier(ClassifierConfig(), pipeline=lambda t: [{"label": "POSITIVE", "score": 0.9}]).classify("nice")
    assert positive.score == 0.1


def llm(handler) -> LlmClassifier:  # type: ignore[no-untyped-def]
    config = ClassifierConfig(backend="llm", llm_base_url="https://llm.example.com/v1")
    return LlmClassifier(config, fallback=Fixed(), http=httpx.Client(transport=httpx.MockTransport(handler)))


def test_llm_answer_is_parsed() -> None:
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        content = 'Sure: {"negativity": 0.8, "reason": "billing complaint"}'
        return httpx.Response(200, json={"choices": [{"message": {"content": content}}]})

    result = llm(handler).classify("charged twice")
    assert result == Classification(0.8, ("LLM: billing complaint",))
    assert seen[0]["model"] == "gpt-4o-mini" and "charged twice" in seen[0]["messages"][0]["content"]


def test_llm_errors_fall_back_to_the_default_detector() -> None:
    assert llm(lambda r: httpx.Response(500)).classify("x").reasons == ("fallback",)
    assert llm(lambda r: httpx.Response(200, json={"choices": [{"message": {"content": "no idea"}}]})).classify("x").score == 0.42

    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    assert llm(timeout).classify("x").reasons == ("fallback",)
    out_of_range = '{"negativity": 7}'
    assert llm(lambda r: httpx.Response(200, json={"choices": [{"message": {"content": out_of_range}}]})).classify("x").score == 0.42
