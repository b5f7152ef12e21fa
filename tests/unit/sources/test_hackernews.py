"""Hacker News (Algolia search_by_date) against recorded responses."""

from __future__ import annotations

import time

import httpx
import pytest

from sources import SourceError
from sources.hackernews import HackerNewsConfig, HackerNewsSource
from tests.unit.sources.conftest import fixture_response


def source(client: httpx.Client) -> HackerNewsSource:
    config = HackerNewsConfig.model_validate({"kind": "hackernews", "name": "hn", "query": "acme", "hits_per_page": 2, "allow_private_network": True})
    return HackerNewsSource(config, client)


def paged(request: httpx.Request) -> httpx.Response:
    page = request.url.params.get("page", "0")
    return fixture_response(f"hn-search-page{page}.json", "application/json; charset=utf-8")


def test_stories_and_comments_are_normalised_across_pages(client, requests_seen) -> None:
    result = source(client(paged)).fetch({"since": 1795150000, "ids_at_since": []})
    assert [m.external_id for m in result.mentions] == ["45871001", "45871022", "45870500"]
    story, comment, _ = result.mentions
    assert story.url == "https://news.ycombinator.com/item?id=45871001"
    assert story.title == "Acme Cloud has been down for six hours and status page says all green"
    assert story.reach == 412 and story.author == "ops_mara"
    assert comment.title == "Comment on: Acme Cloud has been down for six hours and status page says all green"
    assert comment.text == 'Same here. Acme support closed my ticket without reading it & told me to "clear the cache".\nSwitching vendors.'
    first = requests_seen[0].url.params
    assert first["query"] == "acme" and first["tags"] == "(story,comment)"
    assert first["numericFilters"] == "created_at_i>=1795150000"
    assert [r.url.params["page"] for r in requests_seen] == ["0", "1"]


def test_items_sharing_the_last_second_are_neither_lost_nor_repeated(client) -> None:
    feed = source(client(paged))
    first = feed.fetch({"since": 1795150000, "ids_at_since": []})
    assert first.cursor == {"since": 1795163500.0, "ids_at_since": ["45871001", "45871022"]}
    again = feed.fetch(first.cursor)
    # The replayed server answers with the same hits: those at the cursor's second are skipped, the older one
    # (below the cursor in a real search) would not be returned by the real API.
    assert "45871001" not in [m.external_id for m in again.mentions]
    assert "45871022" not in [m.external_id for m in again.mentions]
    assert again.cursor == first.cursor


def test_nothing_new_keeps_the_cursor(client) -> None:
    empty = {"hits": [], "nbHits": 0, "page": 0, "nbPages": 0, "hitsPerPage": 2}
    cursor = {"since": 1795163500, "ids_at_since": ["45871001"]}
    result = source(client(lambda r: httpx.Response(200, json=empty))).fetch(cursor)
    assert result.mentions == [] and result.cursor == cursor


def test_first_run_asks_only_for_the_look_back_window(client, requests_seen) -> None:
    before = time.time()
    source(client(lambda r: httpx.Response(200, json={"hits": [], "nbPages": 0}))).fetch(None)
    after = time.time()
    since = int(requests_seen[0].url.params["numericFilters"].removeprefix("created_at_i>="))
    # 24 hours before the moment of the fetch, whenever that was: no tolerance to guess.
    assert int(before - 24 * 3600) <= since <= after - 24 * 3600


def test_unexpected_bodies_are_a_clear_error(client) -> None:
    with pytest.raises(SourceError, match="unexpected body"):
        source(client(lambda r: httpx.Response(200, json={"message": "oops"}))).fetch(None)
    with pytest.raises(SourceError, match="expected json"):
        source(client(lambda r: httpx.Response(200, text="<html>", headers={"Content-Type": "text/html"}))).fetch(None)
