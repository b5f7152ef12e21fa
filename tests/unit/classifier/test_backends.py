"""Optional backends, faked at their boundary: a transformers pipeline, an OpenAI-compatible API."""

from __future__ import annotations

import json
import sys
import types
from collections.abc import Sequence
from pathlib import Path

import httpx
import pytest

from bot.classifier import ClassifierConfig
from bot.classifier.base import Classification
from bot.classifier.optional import LlmClassifier, TransformersClassifier


class Fixed:
    name = "fixed"

    def __init__(self) -> None:
        self.brand_terms: list[Sequence[str]] = []

    def classify(self, text: str, *, rating: int | None = None, brand_terms: Sequence[str] = (), language: str | None = None) -> Classification:
        self.brand_terms.append(brand_terms)
        return Classification(0.42, ("fallback",), "fallback evidence")


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


def test_transformers_loads_any_local_model_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made = []

    def pipeline(task: str, *, model: str, truncation: bool):  # type: ignore[no-untyped-def]
        made.append((task, model))
        return lambda text: [{"label": "LABEL_0", "score": 0.8}]

    monkeypatch.setitem(sys.modules, "transformers", types.SimpleNamespace(pipeline=pipeline))
    backend = TransformersClassifier(ClassifierConfig(backend="transformers", transformers_model=str(tmp_path / "my-model")))
    assert made == [("text-classification", str(tmp_path / "my-model"))]
    assert backend.classify("meh", brand_terms=["Acme"]).score == 0.8


def llm(handler, fallback: Fixed | None = None) -> LlmClassifier:  # type: ignore[no-untyped-def]
    config = ClassifierConfig(backend="llm", llm_base_url="https://llm.example.com/v1")
    return LlmClassifier(config, fallback=fallback or Fixed(), http=httpx.Client(transport=httpx.MockTransport(handler)))


def test_llm_answer_is_parsed() -> None:
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        content = 'Sure: {"negativity": 0.8, "reason": "billing complaint"}'
        return httpx.Response(200, json={"choices": [{"message": {"content": content}}]})

    result = llm(handler).classify("charged twice", brand_terms=["Acme"])
    assert result == Classification(0.8, ("LLM: billing complaint",))
    prompt = seen[0]["messages"][0]["content"]
    assert seen[0]["model"] == "gpt-4o-mini" and "charged twice" in prompt and "The brand is called: Acme." in prompt


def test_llm_quote_is_evidence_only_if_it_is_in_the_text() -> None:
    def answer(quote: str):  # type: ignore[no-untyped-def]
        content = json.dumps({"negativity": 0.9, "reason": "billing", "quote": quote})
        return lambda request: httpx.Response(200, json={"choices": [{"message": {"content": content}}]})

    text = "Nice shop. Acme charged me twice for one order."
    assert llm(answer("Acme charged me twice for one order.")).classify(text).evidence == "Acme charged me twice for one order."
    assert llm(answer("Acme stole my money")).classify(text).evidence == ""


def test_llm_errors_fall_back_to_the_default_detector() -> None:
    fallback = Fixed()
    failed = llm(lambda r: httpx.Response(500), fallback).classify("x", brand_terms=["Acme"])
    assert failed.reasons == ("fallback",) and failed.evidence == "fallback evidence" and fallback.brand_terms == [["Acme"]]
    assert llm(lambda r: httpx.Response(200, json={"choices": [{"message": {"content": "no idea"}}]})).classify("x").score == 0.42

    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    assert llm(timeout).classify("x").reasons == ("fallback",)
    out_of_range = '{"negativity": 7}'
    assert llm(lambda r: httpx.Response(200, json={"choices": [{"message": {"content": out_of_range}}]})).classify("x").score == 0.42
