"""Sources as the services really behave: rate-limit headers, error bodies, stale cursors, paging (X, YouTube, Reddit, Bluesky)."""

from __future__ import annotations

import copy
import json
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from sources import SourceError, SourceRateLimited
from sources.base import SourceHttpError
from sources.x import SNOWFLAKE_EPOCH_MS, snowflake_time
from tests.unit.sources.conftest import FIXTURES
from tests.unit.sources.test_social import make

CHANNEL = "UCacmeacmeacmeacmeacme00"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / "sources" / name).read_text(encoding="utf-8"))


def answer(body: dict, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers or {})


def snowflake(moment: datetime) -> str:
    return str((int(moment.timestamp() * 1000) - SNOWFLAKE_EPOCH_MS) << 22)


@pytest.fixture
def keys(monkeypatch) -> None:
    monkeypatch.setenv("X_BEARER_TOKEN", "x-secret-token")
    monkeypatch.setenv("YOUTUBE_API_KEY", "yt-secret-key")


def test_an_x_429_waits_for_x_rate_limit_reset(client, keys) -> None:
    reset = int(time.time()) + 600
    limited = answer(fixture("x-error-too-many.json"), 429, {"x-rate-limit-limit": "450", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)})
    with pytest.raises(SourceRateLimited) as raised:
        make("x", client(lambda r: limited), query="acme").fetch(None)
    assert raised.value.retry_after is not None and 590 <= raised.value.retry_after <= 600


def test_x_error_bodies_are_read_and_the_token_never_shown(client, keys) -> None:
    refused = answer(fixture("x-error-unauthorized.json"), 401)
    with pytest.raises(SourceHttpError) as raised:
        make("x", client(lambda r: refused), query="acme").fetch(None)
    assert raised.value.detail == "Unauthorized" and "x-secret-token" not in str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_cursor_older_than_x_keeps_restarts_at_the_edge_of_its_window(client, requests_seen, keys) -> None:
    stale = snowflake(datetime.now(UTC) - timedelta(days=8))
    result = make("x", client(lambda r: answer(fixture("x-search.json"))), query="acme").fetch({"since_id": stale})
    params = requests_seen[0].url.params
    assert "since_id" not in params
    start = datetime.fromisoformat(params["start_time"].replace("Z", "+00:00"))
    assert timedelta(days=6, hours=23) < datetime.now(UTC) - start < timedelta(days=7)
    assert [m.external_id for m in result.mentions] == ["1859000000000000002", "1859000000000000001"]
    assert result.cursor == {"since_id": "1859000000000000002"}


def test_x_refusing_a_since_id_is_retried_once_from_the_window_edge(client, requests_seen, keys) -> None:
    fresh = snowflake(datetime.now(UTC) - timedelta(days=1))

    def handler(request: httpx.Request) -> httpx.Response:
        if "since_id" in request.url.params:
            return answer(fixture("x-error-since-id.json"), 400)
        return answer(fixture("x-search.json"))

    result = make("x", client(handler), query="acme").fetch({"since_id": fresh})
    assert ["since_id" in r.url.params for r in requests_seen] == [True, False]
    assert result.cursor == {"since_id": "1859000000000000002"}


def test_a_fresh_cursor_is_sent_as_since_id(client, requests_seen, keys) -> None:
    fresh = snowflake(datetime.now(UTC) - timedelta(hours=2))
    assert abs((snowflake_time(fresh) - (datetime.now(UTC) - timedelta(hours=2))).total_seconds()) < 1  # type: ignore[operator]
    make("x", client(lambda r: answer({"meta": {"result_count": 0}})), query="acme").fetch({"since_id": fresh})
    assert requests_seen[0].url.params["since_id"] == fresh and "start_time" not in requests_seen[0].url.params


def x_pages(count: int, *, endless: bool = False) -> list[dict]:
    """`count` search pages, newest first, each with one post; each but the last (unless endless) has a next_token."""
    first = fixture("x-search.json")
    pages = []
    for number in range(count):
        page = copy.deepcopy(first)
        page["data"] = [dict(first["data"][0], id=str(1859000000000000900 - number))]
        page["meta"] = {"newest_id": page["data"][0]["id"], "oldest_id": page["data"][0]["id"], "result_count": 1}
        if endless or number < count - 1:
            page["meta"]["next_token"] = f"b26v89c19zqg8o3f{number + 1}"
        pages.append(page)
    return pages


def test_x_pages_through_next_token_and_keeps_the_newest_id(client, requests_seen, keys) -> None:
    pages = iter(x_pages(3))
    result = make("x", client(lambda r: answer(next(pages))), query="acme").fetch({"since_id": snowflake(datetime.now(UTC) - timedelta(hours=1))})
    assert len(result.mentions) == 3 and result.warning == ""
    assert [r.url.params.get("next_token") for r in requests_seen] == [None, "b26v89c19zqg8o3f1", "b26v89c19zqg8o3f2"]
    assert result.cursor == {"since_id": "1859000000000000900"}


def test_x_says_when_max_pages_was_not_enough(client, requests_seen, keys) -> None:
    pages = iter(x_pages(5, endless=True))
    result = make("x", client(lambda r: answer(next(pages))), query="acme", max_pages=2).fetch(None)
    assert len(requests_seen) == 2 and len(result.mentions) == 2
    assert "more than 2 pages" in result.warning


def youtube_page(ages_minutes: list[int], token: str = "") -> dict:
    thread = fixture("youtube-comments.json")["items"][0]
    items = []
    for age in ages_minutes:
        item = copy.deepcopy(thread)
        comment_id = f"UgzThread{age}"
        item["id"] = item["snippet"]["topLevelComment"]["id"] = comment_id
        published = (datetime.now(UTC) - timedelta(minutes=age)).strftime("%Y-%m-%dT%H:%M:%SZ")
        item["snippet"]["topLevelComment"]["snippet"]["publishedAt"] = published
        items.append(item)
    page = {"kind": "youtube#commentThreadListResponse", "pageInfo": {"totalResults": len(items), "resultsPerPage": 2}, "items": items}
    return page | ({"nextPageToken": token} if token else {})


def test_youtube_pages_until_it_reaches_what_it_has_seen(client, requests_seen, keys) -> None:
    cursor = {"since": time.time() - 45 * 60, "ids_at_since": []}
    pages = iter([youtube_page([1, 10], "QURTSl9p"), youtube_page([20, 30], "QURTSl9q"), youtube_page([40, 50], "QURTSl9r")])
    result = make("youtube", client(lambda r: answer(next(pages))), channel_id=CHANNEL, max_results=2).fetch(cursor)
    assert [m.external_id for m in result.mentions] == ["UgzThread1", "UgzThread10", "UgzThread20", "UgzThread30", "UgzThread40"]
    assert [r.url.params.get("pageToken") for r in requests_seen] == [None, "QURTSl9p", "QURTSl9q"]
    assert result.warning == ""


def test_youtube_says_when_max_pages_was_not_enough(client, requests_seen, keys) -> None:
    pages = iter([youtube_page([1, 2], "QURTSl9p"), youtube_page([3, 4], "QURTSl9q")])
    result = make("youtube", client(lambda r: answer(next(pages))), channel_id=CHANNEL, max_pages=2).fetch(None)
    assert len(result.mentions) == 4 and "more than 2 pages" in result.warning


def test_a_spent_youtube_quota_is_a_wait_until_pacific_midnight_not_a_bad_key(client, keys) -> None:
    spent = answer(fixture("youtube-error-quota.json"), 403)
    with pytest.raises(SourceRateLimited) as raised:
        make("youtube", client(lambda r: spent), channel_id=CHANNEL).fetch(None)
    assert "quotaExceeded" in str(raised.value) and "midnight Pacific" in str(raised.value)
    assert raised.value.retry_after is not None and 0 < raised.value.retry_after <= 25 * 3600


def test_a_bad_youtube_key_says_so_in_one_line_without_the_key(client, keys) -> None:
    refused = answer(fixture("youtube-error-bad-key.json"), 400)
    with pytest.raises(SourceError) as raised:
        make("youtube", client(lambda r: refused), channel_id=CHANNEL).fetch(None)
    assert not isinstance(raised.value, SourceRateLimited)
    assert "API key not valid" in str(raised.value) and "yt-secret-key" not in str(raised.value) and "\n" not in str(raised.value)


REDDIT = {"query": "acme", "user_agent": "web:acme-complaints:1.0 (by /u/acme_support)"}


def test_reddit_pages_with_after_and_says_when_max_pages_was_not_enough(client, requests_seen) -> None:
    listing = fixture("reddit-search.json")
    listing["data"]["children"] = listing["data"]["children"][:2]
    result = make("reddit", client(lambda r: answer(listing)), limit=2, max_pages=2, **REDDIT).fetch({"since": 1795100000, "ids_at_since": []})
    assert [r.url.params.get("after") for r in requests_seen] == [None, listing["data"]["after"]]
    assert "more than 2 pages" in result.warning


def test_bluesky_pages_with_its_cursor_until_a_short_page(client, requests_seen, monkeypatch) -> None:
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", "app-pass")
    posts = fixture("bluesky-search.json")["posts"]
    pages = iter([{"posts": posts[:1], "cursor": "1"}, {"posts": [], "cursor": "2"}])

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("createSession"):
            return answer(fixture("bluesky-session.json"))
        return answer(next(pages))

    bluesky = make("bluesky", client(handler), query="acme", handle="acme-watch.bsky.social", limit=1)
    result = bluesky.fetch({"since": 1700000000, "ids_at_since": []})
    searches = [r for r in requests_seen if r.url.path.endswith("searchPosts")]
    assert [r.url.params.get("cursor") for r in searches] == [None, "1"] and result.warning == ""
    assert len(result.mentions) == 1
