"""The optional LLM that words reply drafts: any OpenAI-compatible chat completions API.

`bot.domain.drafts.draft_reply(draft_input, write=LlmDraftWriter(...))` asks it
and keeps the playbook's own draft on any error, timeout or unusable answer.
The call goes through the sources' bounded HTTP client: a total deadline, a
size cap and the key never shown in errors. Private addresses are allowed,
since the admin configures the URL and a self-hosted model is often local.
"""

from __future__ import annotations

import json

import httpx

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
