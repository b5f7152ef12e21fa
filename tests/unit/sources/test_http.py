"""The bounded GET over real sockets: a server that dribbles bytes cannot hold a poll."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from sources import SourceConfig, SourceError
from sources.http import Fetched, get, json_listing, retry_after_seconds


class Dribbling(BaseHTTPRequestHandler):
    """One byte every 0.2 s for 20 s; notes whether the client hung up before the end."""

    hung_up = threading.Event()

    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.end_headers()
        try:
            for _ in range(100):
                self.wfile.write(b"<")
                self.wfile.flush()
                time.sleep(0.2)
        except (BrokenPipeError, ConnectionResetError):
            Dribbling.hung_up.set()

    def log_message(self, *args: object) -> None:
        pass


def test_a_slow_loris_server_hits_the_total_deadline() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Dribbling)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = SourceConfig(kind="rss", name="slow", timeout_seconds=1.0, allow_private_network=True)
    with httpx.Client() as http, pytest.raises(SourceError, match="took longer than 1s"):
        get(http, f"http://127.0.0.1:{server.server_port}/feed.xml", config)
    # Every read was quick, so only the total deadline can have stopped it: the server, which
    # would have gone on for 20 s, sees the client hang up mid-body.
    assert Dribbling.hung_up.wait(timeout=30)
    server.shutdown()


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    assert retry_after_seconds("30") == 30
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_page_titles_are_fetched_but_never_from_private_addresses() -> None:
    from sources.page_title import fetch_title

    page = b"<html><head><title>Acme &amp; the refund saga</title></head><body>...</body></html>"
    http = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, content=page, headers={"Content-Type": "text/html"})))
    assert fetch_title("http://93.184.216.34/post", http) == "Acme & the refund saga"
    assert fetch_title("http://127.0.0.1:5432/", http) is None
    assert fetch_title("http://169.254.169.254/latest/meta-data/", http) is None
    json_page = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, json={"a": 1})))
    assert fetch_title("http://93.184.216.34/api", json_page) is None


def test_json_listing_names_the_service_when_the_body_is_not_an_object_with_its_list() -> None:
    def answer(content: bytes) -> Fetched:
        return Fetched(200, content, httpx.Headers(), "https://api.example.test/")

    assert json_listing(answer(b'{"items": [1]}'), "GitHub") == {"items": [1]}
    assert json_listing(answer(b"{}"), "YouTube", missing_ok=True) == {}
    for body in (b"<html>", b"[]", b"{}", b'{"items": {}}'):
        with pytest.raises(SourceError, match="^GitHub sent an unexpected body: "):
            json_listing(answer(body), "GitHub")
