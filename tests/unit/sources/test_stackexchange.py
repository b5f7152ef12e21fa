"""Stack Exchange against answers in the API's documented shapes: gzip, backoff kept across polls, escaped titles, authors."""

from __future__ import annotations

import gzip
import time

import httpx
import pytest

from bot.config import parse_config
from sources import SourceDisabled, SourceError, SourceRateLimited
from tests.conftest import TEST_CONFIG
from tests.unit.sources.conftest import FIXTURES
from tests.unit.sources.test_social import make

SO = {"query": "acme", "min_interval_seconds": 0}
EARLIER = {"since": 1795100000, "ids_at_since": []}


def gzipped(name: str, status: int = 200, patch: bytes = b"") -> httpx.Response:
    """What Stack Exchange always sends: a gzip-compressed body."""
    body = (FIXTURES / "sources" / name).read_bytes()
    if patch:
        body = body.replace(b'"quota_max"', patch + b', "quota_max"', 1)
    return httpx.Response(status, content=gzip.compress(body), headers={"Content-Type": "application/json; charset=utf-8", "Content-Encoding": "gzip"})


def answers(search: str = "stackexchange-excerpts.json", *, backoff: int = 0):  # type: ignore[no-untyped-def]
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/2.3/posts/"):
            return gzipped("stackexchange-posts.json")
        if request.url.path == "/2.3/info":
            return gzipped("stackexchange-info.json")
        return gzipped(search, patch=f'"backoff": {backoff}'.encode() if backoff else b"")

    return handler


def test_questions_and_answers_come_with_their_authors_and_unescaped_titles(client, requests_seen) -> None:
    result = make("stackexchange", client(answers()), **SO).fetch(EARLIER)
    answer, question = result.mentions
    assert question.title == "Acme's SDK 3.2 loses webhooks & retries after token refresh"
    assert answer.title == "Answer to: Acme's SDK 3.2 loses webhooks & retries after token refresh"
    assert (answer.author, answer.url, answer.reach) == ("José Dev", "https://stackoverflow.com/a/79210042", 1843)
    assert (question.author, question.url) == ("webhook_woes", "https://stackoverflow.com/q/79210001")
    assert question.text.startswith("Since upgrading to the Acme SDK 3.2") and "<span" not in question.text
    search, posts = requests_seen
    assert search.url.path == "/2.3/search/excerpts" and search.url.params["site"] == "stackoverflow"
    assert (search.url.params["sort"], search.url.params["fromdate"]) == ("creation", "1795100000")
    assert posts.url.path == "/2.3/posts/79210042;79210001"
    again = make("stackexchange", client(answers()), **SO).fetch(result.cursor)
    assert again.mentions == []


def test_a_backoff_in_a_successful_answer_is_kept_across_polls(client, requests_seen) -> None:
    result = make("stackexchange", client(answers(backoff=30)), **SO).fetch(EARLIER)
    assert len(result.mentions) == 2
    assert 25 < result.cursor["not_before"] - time.time() <= 30
    calls = len(requests_seen)
    later = make("stackexchange", client(answers()), **SO).fetch(result.cursor)
    assert len(requests_seen) == calls, "no call to the method before its backoff has passed"
    assert later.mentions == [] and later.cursor == result.cursor


def test_polls_are_paced_to_the_daily_quota(client, requests_seen) -> None:
    result = make("stackexchange", client(answers()), query="acme").fetch(EARLIER)
    assert result.cursor["not_before"] - time.time() > 890
    make("stackexchange", client(answers()), query="acme").fetch(result.cursor)
    assert len(requests_seen) == 2


def test_a_throttle_violation_waits_as_long_as_it_says(client) -> None:
    with pytest.raises(SourceRateLimited) as raised:
        make("stackexchange", client(lambda r: gzipped("stackexchange-error-throttle.json", 400)), **SO).fetch(EARLIER)
    assert raised.value.retry_after == 82961


def test_a_wrong_site_is_one_clear_line_and_the_key_never_shows(client, requests_seen, monkeypatch) -> None:
    monkeypatch.setenv("SE_KEY", "se-secret-key")
    with pytest.raises(SourceError) as raised:
        make("stackexchange", client(lambda r: gzipped("stackexchange-error-bad-site.json", 400)), site="stackoverflw", key_env="SE_KEY", **SO).fetch(None)
    assert "No site found for name `stackoverflw`" in str(raised.value) and "\n" not in str(raised.value)
    assert "se-secret-key" not in str(raised.value) and requests_seen[0].url.params["key"] == "se-secret-key"


def test_check_asks_info_once(client, requests_seen) -> None:
    said = make("stackexchange", client(answers()), site="superuser", **SO).verify()
    assert said == "superuser.com answers; 9987 calls left today"
    assert [r.url.path for r in requests_seen] == ["/2.3/info"]


def test_without_a_query_it_is_disabled_clearly(client) -> None:
    with pytest.raises(SourceDisabled, match="set query"):
        make("stackexchange", client(answers()), min_interval_seconds=0).fetch(None)


def test_the_query_defaults_to_the_brand_terms_one_search_each(client, requests_seen) -> None:
    config = parse_config(TEST_CONFIG + '\n[[sources]]\nkind = "stackexchange"\nname = "so"\nallow_private_network = true\nmin_interval_seconds = 0\n')
    source_config = config.sources[-1]
    assert source_config.query == ["Acme", "acme.com"]  # type: ignore[attr-defined]
    source = make("stackexchange", client(answers()), query=["Acme", "acme.com"], min_interval_seconds=0)
    source.fetch(EARLIER)
    assert [r.url.params["q"] for r in requests_seen if r.url.path.endswith("/excerpts")] == ["Acme", "acme.com"]
