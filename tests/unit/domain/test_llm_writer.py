"""The optional LLM writer over a real local HTTP server: its wording is used, and any failure leaves the playbook draft."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from bot.domain.drafts import DraftInput, builtin_draft, draft_reply
from bot.flows.llm_writer import LlmDraftWriter

COMPLAINT = DraftInput(
    author="ines",
    source_kind="mastodon",
    text="My order arrived late twice, and your support didn't answer my emails.",
    topics=("delivery", "support"),
    contact="help@acme.example",
)
WORDED = "@ines I'm so sorry your order came late twice and our emails went unanswered. Could you send your ticket number to help@acme.example?"


class ChatCompletions(BaseHTTPRequestHandler):
    """Answers like an OpenAI-compatible API; `behaviour` picks a good answer, an error or a stall."""

    behaviour = "answer"
    requests: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "auth": self.headers["Authorization"], "body": body})
        if self.behaviour == "stall":
            time.sleep(1.5)
        status, answer = (500, {"error": {"message": "overloaded"}}) if self.behaviour == "error" else (
            200, {"id": "chatcmpl-1", "object": "chat.completion", "choices": [{"index": 0, "message": {"role": "assistant", "content": WORDED}, "finish_reason": "stop"}]}
        )
        payload = json.dumps(answer).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def llm_url() -> Iterator[str]:
    ChatCompletions.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), ChatCompletions)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()
    server.server_close()


def writer(url: str, timeout: float = 5.0) -> LlmDraftWriter:
    return LlmDraftWriter(base_url=url, model="small-model", api_key="sk-test-key", timeout_seconds=timeout, http=httpx.Client())


def test_the_llm_words_the_draft(llm_url: str) -> None:
    ChatCompletions.behaviour = "answer"
    draft = draft_reply(COMPLAINT, write=writer(llm_url))
    assert draft.text == WORDED and draft.written_by == "the LLM"
    [request] = ChatCompletions.requests
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer sk-test-key"
    assert request["body"]["model"] == "small-model" and "playbook" in request["body"]["messages"][0]["content"]


@pytest.mark.parametrize("behaviour", ["error", "stall"])
def test_an_llm_that_fails_or_times_out_leaves_the_playbook_draft(llm_url: str, behaviour: str) -> None:
    ChatCompletions.behaviour = behaviour
    assert draft_reply(COMPLAINT, write=writer(llm_url, timeout=0.5)) == builtin_draft(COMPLAINT)
    assert len(ChatCompletions.requests) == 1
