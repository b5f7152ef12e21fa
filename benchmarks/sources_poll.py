"""200 configured sources answering with 200 ms latency: one poll, fetched concurrently over real HTTP."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from benchmarks.common import table
from bot.flows.poll import MAX_FETCH_WORKERS, fetch_all
from sources import build_source, config_model

SOURCES = 200
LATENCY = 0.2
FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>Acme is slow</title><link>https://e.example/1</link><guid>1</guid></item></channel></rss>'


class Slow(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802
        time.sleep(LATENCY)
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(FEED)))
        self.end_headers()
        self.wfile.write(FEED)

    def log_message(self, *args: object) -> None:
        pass


def run(quick: bool) -> str:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    limits = httpx.Limits(max_connections=MAX_FETCH_WORKERS, max_keepalive_connections=MAX_FETCH_WORKERS)
    with httpx.Client(limits=limits) as http:
        sources = [
            build_source(
                config_model("rss").model_validate(
                    {"kind": "rss", "name": f"feed-{n}", "url": f"http://127.0.0.1:{server.server_port}/{n}.xml", "allow_private_network": True}
                ),
                http,
            )
            for n in range(SOURCES)
        ]
        started = time.perf_counter()
        results = fetch_all(sources, {})
        elapsed = time.perf_counter() - started
    server.shutdown()
    ok = sum(1 for r in results.values() if not isinstance(r, Exception))
    serial = SOURCES * LATENCY
    return table(
        "One poll of 200 sources, each answering after 200 ms",
        ["sources", "latency each", "workers", "succeeded", "wall time", "one at a time would take"],
        [[SOURCES, f"{LATENCY * 1000:.0f} ms", MAX_FETCH_WORKERS, ok, f"{elapsed:.2f} s", f"{serial:.0f} s"]],
    )
