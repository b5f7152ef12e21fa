"""The RSS/Atom source against recorded feeds, including broken and hostile ones."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from sources import SourceError, SourceRateLimited
from sources.rss import RssConfig, RssSource
from tests.unit.sources.conftest import fixture_response

URL = "https://feeds.example.com/acme.xml"


def source(client: httpx.Client, **config: object) -> RssSource:
    settings = {"kind": "rss", "name": "alerts", "url": URL, "allow_private_network": True, "lookback_hours": 10**6, **config}
    return RssSource(RssConfig.model_validate(settings), client)


def test_google_alerts_entries_are_normalised(client) -> None:
    result = source(client(lambda r: fixture_response("acme-alerts.xml", "application/atom+xml"))).fetch(None)
    first = result.mentions[0]
    assert first.external_id == "tag:google.com,2013:googlealerts/feed:1000000000000000001"
    assert first.url == "https://blog.example.com/2026/11/acme-double-charge/"
    assert first.title == "Acme charged me twice and support ignores my emails"
    assert first.text.startswith("My card was charged twice by Acme for one order.")
    assert first.published_at == datetime(2026, 11, 20, 8, 41, tzinfo=UTC)
    assert (first.source_kind, first.source_name) == ("rss", "alerts")
    assert len(result.mentions) == 3


def test_rss_items_keep_author_and_lose_markup(client) -> None:
    result = source(client(lambda r: fixture_response("blog-rss.xml", "application/rss+xml"))).fetch(None)
    toaster = result.mentions[0]
    assert toaster.author == "Priya Natarajan"
    assert toaster.text == "Seven days. That is how long my Acme T-200 lasted before the element died. Photos here."
    assert "alert(1)" not in toaster.text


def test_cursor_round_trip_emits_each_item_once(client) -> None:
    feed = source(client(lambda r: fixture_response("blog-rss.xml", "application/rss+xml")))
    first = feed.fetch(None)
    assert len(first.mentions) == 2
    assert feed.fetch(first.cursor).mentions == []


def test_a_new_item_appears_exactly_once(client) -> None:
    body = (fixture_response("blog-rss.xml", "application/rss+xml").content).decode()
    current = {"body": body}
    feed = source(client(lambda r: httpx.Response(200, text=current["body"], headers={"Content-Type": "application/rss+xml"})))
    cursor = feed.fetch(None).cursor
    new_item = "<item><title>Acme K-3 lid broke</title><link>https://kitchen.example.com/k3</link><guid>kitchen-4800</guid></item>"
    current["body"] = body.replace("<item>", new_item + "<item>", 1)
    second = feed.fetch(cursor)
    assert [m.external_id for m in second.mentions] == ["kitchen-4800"]
    assert feed.fetch(second.cursor).mentions == []


def test_first_run_looks_back_only_so_far(client) -> None:
    result = source(client(lambda r: fixture_response("blog-rss.xml", "application/rss+xml")), lookback_hours=1).fetch(None)
    assert result.mentions == []  # both items are older than an hour
    assert set(result.cursor["seen"]) == {"kitchen-4711", "kitchen-4702"}


def test_conditional_get_uses_validators_and_handles_304(client, requests_seen) -> None:
    responses = iter([
        fixture_response("blog-rss.xml", "application/rss+xml", headers={"ETag": '"v1"', "Last-Modified": "Fri, 20 Nov 2026 08:45:00 GMT"}),
        httpx.Response(304),
    ])
    feed = source(client(lambda r: next(responses)))
    first = feed.fetch(None)
    second = feed.fetch(first.cursor)
    assert requests_seen[1].headers["If-None-Match"] == '"v1"'
    assert requests_seen[1].headers["If-Modified-Since"] == "Fri, 20 Nov 2026 08:45:00 GMT"
    assert second.mentions == [] and second.cursor == first.cursor


def test_rate_limit_carries_retry_after(client) -> None:
    feed = source(client(lambda r: httpx.Response(429, headers={"Retry-After": "120"})))
    with pytest.raises(SourceRateLimited) as raised:
        feed.fetch(None)
    assert raised.value.retry_after == 120


def test_server_error_is_a_clear_source_error(client) -> None:
    with pytest.raises(SourceError, match=r"answered HTTP 500"):
        source(client(lambda r: httpx.Response(500))).fetch(None)


@pytest.mark.parametrize("name", ["truncated.xml"])
def test_broken_feeds_are_a_clear_error(client, name: str) -> None:
    with pytest.raises(SourceError, match="is not a readable feed"):
        source(client(lambda r: fixture_response(name, "application/rss+xml"))).fetch(None)


def test_an_html_error_page_is_not_a_feed(client) -> None:
    with pytest.raises(SourceError, match="sent text/html, expected xml"):
        source(client(lambda r: fixture_response("error-page.html", "text/html; charset=utf-8"))).fetch(None)


def test_empty_feed_is_just_empty(client) -> None:
    empty = '<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>'
    result = source(client(lambda r: httpx.Response(200, text=empty, headers={"Content-Type": "text/xml"}))).fetch(None)
    assert result.mentions == []


def test_a_huge_body_is_cut_off_without_reading_it_all(client) -> None:
    sent = []

    def endless():
        while True:
            sent.append(1)
            yield b"<item>" + b"a" * 65_536

    feed = source(client(lambda r: httpx.Response(200, content=endless(), headers={"Content-Type": "application/rss+xml"})), max_bytes=1_000_000)
    with pytest.raises(SourceError, match="more than the 1,000,000-byte limit"):
        feed.fetch(None)
    assert len(sent) < 20


def test_a_declared_huge_body_is_refused_up_front(client) -> None:
    response = httpx.Response(200, content=b"x", headers={"Content-Type": "application/rss+xml", "Content-Length": str(10**10)})
    with pytest.raises(SourceError, match="over the"):
        source(client(lambda r: response)).fetch(None)


def test_entity_expansion_bombs_do_not_blow_up(client) -> None:
    # Expanded, &lol9; would be 3 GB of "lol": the parse would run out of memory, not pass.
    try:
        result = source(client(lambda r: fixture_response("billion-laughs.xml", "application/rss+xml"))).fetch(None)
    except SourceError:
        return
    assert all(len(m.title) < 100 for m in result.mentions)


def test_external_entities_are_not_resolved(client) -> None:
    try:
        result = source(client(lambda r: fixture_response("external-entity.xml", "application/rss+xml"))).fetch(None)
    except SourceError:
        return
    assert all("root:" not in m.title for m in result.mentions)


def test_private_addresses_are_refused_unless_allowed(client) -> None:
    for url in ("http://127.0.0.1/feed.xml", "http://10.1.2.3/feed.xml", "http://[::1]/feed.xml", "http://169.254.169.254/latest/meta-data"):
        feed = source(client(lambda r: fixture_response("blog-rss.xml", "application/rss+xml")), url=url, allow_private_network=False)
        with pytest.raises(SourceError, match="non-public address"):
            feed.fetch(None)


def test_a_redirect_to_a_private_address_is_refused(client, requests_seen) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "93.184.216.34":
            return httpx.Response(302, headers={"Location": "http://127.0.0.1:8080/admin"})
        return fixture_response("blog-rss.xml", "application/rss+xml")

    feed = source(client(handler), url="http://93.184.216.34/feed.xml", allow_private_network=False)
    with pytest.raises(SourceError, match="non-public address 127.0.0.1"):
        feed.fetch(None)
    assert [r.url.host for r in requests_seen] == ["93.184.216.34"]


def test_redirect_loops_stop(client) -> None:
    feed = source(client(lambda r: httpx.Response(301, headers={"Location": URL})))
    with pytest.raises(SourceError, match="more than 5 redirects"):
        feed.fetch(None)


def test_errors_never_show_secrets_from_the_url(client) -> None:
    feed = source(client(lambda r: httpx.Response(403)), url="https://feeds.example.com/private.xml?token=s3cr3t-value&q=acme")
    with pytest.raises(SourceError) as raised:
        feed.fetch(None)
    assert "s3cr3t-value" not in str(raised.value)
    assert "token=%2A%2A%2A" in str(raised.value)


def test_config_refuses_non_http_urls() -> None:
    with pytest.raises(ValueError, match="must be an http"):
        RssConfig.model_validate({"kind": "rss", "name": "x", "url": "file:///etc/passwd"})


def test_credentials_are_not_sent_on_to_another_host(client, requests_seen) -> None:
    from sources.http import get

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "api.example.com":
            return httpx.Response(302, headers={"Location": "https://cdn.example.net/file.json"})
        return httpx.Response(200, json={"ok": True})

    config = RssConfig.model_validate({"kind": "rss", "name": "x", "url": URL, "allow_private_network": True})
    get(client(handler), "https://api.example.com/data", config, headers={"Authorization": "Bearer t0ken", "User-Agent": "ua"})
    assert requests_seen[0].headers["Authorization"] == "Bearer t0ken"
    assert "Authorization" not in requests_seen[1].headers and requests_seen[1].headers["User-Agent"] == "ua"
