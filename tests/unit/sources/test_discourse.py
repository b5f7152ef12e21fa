"""A Discourse forum against answers in its API's documented shapes: search.json, posts.json, errors."""

from __future__ import annotations

import json

import httpx
import pytest

from sources import PublishProblem, SourceError, SourceRateLimited, can_publish
from tests.unit.sources.conftest import FIXTURES
from tests.unit.sources.test_publish import config, failure, publish
from tests.unit.sources.test_social import make

FORUM = {"forum_url": "https://forum.example.com", "query": "acme"}
WRITER = {"kind": "discourse", "name": "forum", "allow_private_network": True, **FORUM, "api_key_env": "DISCOURSE_KEY", "api_username": "acme_support"}
EARLIER = {"since": 1795100000, "ids_at_since": []}
TARGET = {"topic_id": 9171, "post_number": 3}
KEYED = {k: v for k, v in WRITER.items() if k not in ("kind", "name")}


def fixture(name: str, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    body = json.loads((FIXTURES / "sources" / name).read_text(encoding="utf-8"))
    return httpx.Response(status, json=body, headers=headers or {})


def test_posts_are_joined_with_their_topics_for_the_address(client, requests_seen) -> None:
    result = make("discourse", client(lambda r: fixture("discourse-search.json")), **FORUM).fetch(EARLIER)
    reply, question = result.mentions
    assert reply.url == "https://forum.example.com/t/acme-sync-drops-large-attachments/9171/3"
    assert reply.title == "Reply in: Acme sync drops large attachments" and question.title == "Export Acme boards to CSV?"
    assert reply.text.endswith("closed my ticket as “works for me”.") and reply.author == "priya_n"
    assert reply.reply_to == TARGET and reply.reach == 4
    request = requests_seen[0]
    assert request.url.path == "/search.json" and request.url.params["q"].startswith("acme order:latest after:2026-11-")
    assert "Api-Key" not in request.headers
    again = make("discourse", client(lambda r: fixture("discourse-search.json")), **FORUM).fetch(result.cursor)
    assert again.mentions == []


def test_a_private_forum_is_read_with_the_key_and_never_shows_it(client, requests_seen, monkeypatch) -> None:
    monkeypatch.setenv("DISCOURSE_KEY", "discourse-secret-key")
    refused = make("discourse", client(lambda r: fixture("discourse-error-forbidden.json", 403)), **KEYED)
    with pytest.raises(SourceError) as raised:
        refused.fetch(None)
    assert "invalid_access" in str(raised.value) and "discourse-secret-key" not in str(raised.value)
    assert requests_seen[0].headers["Api-Key"] == "discourse-secret-key" and requests_seen[0].headers["Api-Username"] == "acme_support"


def test_its_rate_limit_waits_for_retry_after(client) -> None:
    limited = fixture("discourse-error-rate-limit.json", 429, {"Retry-After": "13"})
    with pytest.raises(SourceRateLimited) as raised:
        make("discourse", client(lambda r: limited), **FORUM).fetch(None)
    assert raised.value.retry_after == 13


def test_check_says_who_the_key_acts_as(client, requests_seen, monkeypatch) -> None:
    monkeypatch.setenv("DISCOURSE_KEY", "discourse-secret-key")
    source = make("discourse", client(lambda r: fixture("discourse-session-current.json")), **KEYED)
    assert source.verify() == "the API key acts as acme_support"
    assert [r.url.path for r in requests_seen] == ["/session/current.json"]


def test_a_key_needs_its_username() -> None:
    with pytest.raises(ValueError, match="api_username"):
        config(WRITER, api_username=None)
    assert can_publish(config(WRITER)) and not can_publish(config(WRITER, api_key_env=None, api_username=None))


def test_a_reply_is_a_post_in_the_topic_answering_the_post(client, requests_seen, monkeypatch) -> None:
    monkeypatch.setenv("DISCOURSE_KEY", "discourse-secret-key")
    done = publish(client, lambda r: fixture("discourse-post-created.json"), WRITER, TARGET, "Hi priya_n, I work on the support team here.")
    assert done.url == "https://forum.example.com/t/acme-sync-drops-large-attachments/9171/4" and done.external_id == "48230"
    sent = requests_seen[0]
    assert (sent.method, sent.url.path) == ("POST", "/posts.json")
    assert json.loads(sent.content) == {"topic_id": 9171, "raw": "Hi priya_n, I work on the support team here.", "reply_to_post_number": 3}
    assert sent.headers["Api-Key"] == "discourse-secret-key"


def test_a_refused_key_or_a_deleted_topic_is_said_apart(client, monkeypatch) -> None:
    monkeypatch.setenv("DISCOURSE_KEY", "discourse-secret-key")
    refused = failure(client, lambda r: fixture("discourse-error-forbidden.json", 403), WRITER, TARGET)
    assert refused.problem == PublishProblem.AUTH and "discourse-secret-key" not in str(refused)
    gone = failure(client, lambda r: httpx.Response(404, json={"errors": ["The requested URL or resource could not be found."], "error_type": "not_found"}), WRITER, TARGET)
    assert gone.problem == PublishProblem.GONE


def test_a_categorys_new_topics_come_with_their_first_post(client, requests_seen) -> None:
    def forum(request: httpx.Request) -> httpx.Response:
        return fixture("discourse-topic.json") if request.url.path.startswith("/t/") else fixture("discourse-category-latest.json")

    board = {"forum_url": "https://forum.example.com", "category": "support/7"}
    since_the_12th = {"since": 1794700000, "ids_at_since": []}
    result = make("discourse", client(forum), **board).fetch(since_the_12th)
    [topic] = result.mentions
    assert topic.url == "https://forum.example.com/t/billing-page-shows-the-wrong-plan-after-upgrade/9180/1"
    assert topic.title == "Billing page shows the wrong plan after upgrade" and topic.author == "hanna_b"
    assert topic.text.startswith("I upgraded to Team yesterday") and topic.about_the_brand
    assert topic.reply_to == {"topic_id": 9180, "post_number": 1}
    assert [r.url.path for r in requests_seen] == ["/c/support/7/l/latest.json", "/t/9180.json"]
    assert requests_seen[0].url.params["order"] == "created"
    requests_seen.clear()
    assert make("discourse", client(forum), **board).fetch(result.cursor).mentions == []
    assert [r.url.path for r in requests_seen] == ["/c/support/7/l/latest.json"]


def test_a_forum_is_read_by_query_or_by_category_not_both() -> None:
    with pytest.raises(ValueError, match="exactly one of query"):
        config({"kind": "discourse", "name": "f", "forum_url": "https://forum.example.com"})
    with pytest.raises(ValueError, match="exactly one of query"):
        config({"kind": "discourse", "name": "f", "forum_url": "https://forum.example.com", "query": "acme", "category": "support/7"})
