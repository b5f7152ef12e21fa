"""Detection delay with a 60 s poll interval: from an item appearing in a source to its card being posted.

Items appear at random moments; the next poll sees them. The delay is the wait for
that poll (simulated: uniform over the interval) plus the time the real pipeline
takes to fetch, classify, store and post the card to the local fake Slack (measured).
"""

from __future__ import annotations

import random
import time
from xml.sax.saxutils import escape

import httpx

from benchmarks.common import databases, fresh, percentile, runtime, table
from benchmarks.ingest import DATA
from bot.classifier.tsv import read_labelled
from bot.flows.poll import poll as poll_sources
from tests.conftest import TEST_CONFIG

POLL_INTERVAL = 60.0
FEED_URL = "https://feeds.example.com/acme.xml"


def complaints(count: int) -> list[str]:
    """Distinct real complaints (a repeated template would rightly be joined as near-duplicates)."""
    path = DATA / "airline" / "train.tsv"
    texts, labels = read_labelled(path) if path.exists() else (["Acme lost my bag and nobody answers"], [1])
    negative = [t for t, label in zip(texts, labels) if label == 1 and len(t.split()) > 8]
    return [f"Acme: {negative[i % len(negative)]}" for i in range(count)]


def feed(round_number: int, text: str) -> bytes:
    item = (
        f"<item><title>mention {round_number}</title><link>https://e.example/{round_number}</link>"
        f"<guid>{round_number}</guid><description>{escape(text)}</description></item>"
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{item}</channel></rss>'.encode()


def run(quick: bool) -> str:
    rounds = 20 if quick else 100
    rng = random.Random(7)
    rows = []
    for name, url in databases():
        fresh(url)
        rt, slack = runtime(url, TEST_CONFIG)
        processing = []
        for n, text in enumerate(complaints(rounds)):
            body = feed(n, text)
            transport = httpx.MockTransport(lambda r, body=body: httpx.Response(200, content=body, headers={"Content-Type": "application/rss+xml"}))
            started = time.perf_counter()
            poll_sources(rt, http=httpx.Client(transport=transport))
            rt.drainer.drain()
            processing.append(time.perf_counter() - started)
        delays = [rng.uniform(0, POLL_INTERVAL) + p for p in processing]
        posted = len(slack.channel_messages("C0TRIAGE01"))
        rows.append([name, rounds, posted, f"{percentile(processing, 50) * 1000:.0f} ms", f"{percentile(delays, 50):.1f} s", f"{percentile(delays, 90):.1f} s", f"{max(delays):.1f} s"])
        rt.engine.dispose()
    return table(
        "Detection delay, poll interval 60 s",
        ["database", "items", "cards posted", "poll+post time (p50)", "delay p50", "delay p90", "delay max"],
        rows,
    )
