"""The optional LLM that words reply drafts ([playbook] writer = "llm"): any OpenAI-compatible chat completions API.

The drafting flow passes it to `bot.domain.drafts.draft_reply(draft_input, write=...)`,
which keeps the playbook's own draft on any error, timeout or unusable answer. The
call goes through the sources' bounded HTTP client: a total deadline, a size cap and
the key never shown in errors. Private addresses are allowed, since the admin
configures the URL and a self-hosted model is often local.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from functools import lru_cache

import httpx

from bot.config import AppConfig
from sources import SourceConfig
from sources import http as bounded

MAX_ANSWER_BYTES = 200_000


class LlmDraftWriter:
    def __init__(self, *, base_url: str, model: str, api_key: str, timeout_seconds: float, http: httpx.Client | None = None) -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.api_key = api_key
        self.http = http or httpx.Client()
        self.limits = SourceConfig(
            kind="llm", name="llm-writer", timeout_seconds=timeout_seconds, max_bytes=MAX_ANSWER_BYTES, allow_private_network=True
        )

    def __call__(self, prompt: str) -> str:
        fetched = bounded.request(
            self.http,
            "POST",
            self.url,
            self.limits,
            # A self-hosted model may need no key; an empty "Bearer " is not even a valid header.
            headers={"Authorization": f"Bearer {self.api_key}"} if self.api_key else {},
            json_body={"model": self.model, "temperature": 0.3, "messages": [{"role": "user", "content": prompt}]},
            accept=("json",),
        )
        return str(json.loads(fetched.content)["choices"][0]["message"]["content"])


def draft_writer(config: AppConfig) -> Callable[[str], str] | None:
    """The writer when [playbook] writer = "llm", reached with the classifier's llm_* settings; one per setting, kept."""
    if config.playbook.writer != "llm":
        return None
    llm = config.classifier
    return _writer(llm.llm_base_url, llm.llm_model, os.environ.get(llm.llm_api_key_env, ""), llm.llm_timeout_seconds)


@lru_cache(maxsize=4)
def _writer(base_url: str, model: str, api_key: str, timeout_seconds: float) -> LlmDraftWriter:
    # Its HTTP client keeps connections to the model open across drafts, and is safe to share between threads.
    return LlmDraftWriter(base_url=base_url, model=model, api_key=api_key, timeout_seconds=timeout_seconds)
