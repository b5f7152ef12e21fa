"""The scheduler builds its sources once: what a source keeps between polls (a sign-in token) is kept."""

from __future__ import annotations

import httpx
import pytest

from bot.runtime import Runtime
from bot.scheduler import poll_job
from tests.conftest import FIXTURES, TEST_CONFIG


@pytest.fixture
def config_text() -> str:
    return TEST_CONFIG.replace('kind = "rss"', "enabled = false\nkind = \"rss\"") + """
[[sources]]
kind = "reddit"
name = "reddit"
query = "acme"
user_agent = "web:acme-complaints:1.0 (by /u/acme_support)"
client_id = "app-id"
base_url = "https://reddit.test"
allow_private_network = true
"""


def test_scheduled_polls_sign_in_to_reddit_once(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDDIT_CLIENT_SECRET", "shh-secret")
    asked: list[str] = []

    def reddit(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        if request.url.path == "/api/v1/access_token":
            return httpx.Response(200, json={"access_token": "tok-1", "token_type": "bearer", "expires_in": 86400})
        return httpx.Response(200, content=(FIXTURES / "sources" / "reddit-search.json").read_bytes(), headers={"Content-Type": "application/json"})

    scheduled = poll_job(runtime, httpx.Client(transport=httpx.MockTransport(reddit)))
    for _ in range(3):
        scheduled()
    assert asked.count("/api/v1/access_token") == 1 and asked.count("/search") == 3
