"""Ingest throughput: mentions per second through filter, dedupe, classify and store; memory at peak."""

from __future__ import annotations

import resource
import time
from pathlib import Path

import httpx

from benchmarks.common import databases, fresh, runtime, table
from bot.classifier.tsv import read_labelled
from bot.flows.poll import poll as poll_sources
from tests.conftest import TEST_CONFIG

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FEEDS = 50


def corpus(total: int) -> list[str]:
    texts: list[str] = []
    for name in ("airline", "tweeteval", "complaints"):
        path = DATA / name / "train.tsv"
        if path.exists():
            texts += read_labelled(path)[0]
    if not texts:
        texts = ["Acme charged me twice", "Love my Acme kettle", "Acme app crashes on login"]
    return [f"Acme: {texts[i % len(texts)]} (#{i})" for i in range(total)]


def feed_xml(feed: int, texts: list[str]) -> bytes:
    items = "".join(
        f"<item><title>mention {feed}-{i}</title><link>https://example.com/{feed}/{i}</link><guid>{feed}-{i}</guid>"
        f"<pubDate>Fri, 20 Nov 2026 08:00:00 GMT</pubDate><description><![CDATA[{text}]]></description></item>"
        for i, text in enumerate(texts)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>f{feed}</title>{items}</channel></rss>'.encode()


def run(quick: bool) -> str:
    total = 5_000 if quick else 50_000
    texts = corpus(total)
    per_feed = total // FEEDS
    bodies = {f"https://feeds.example.com/{n}.xml": feed_xml(n, texts[n * per_feed:(n + 1) * per_feed]) for n in range(FEEDS)}
    sources = "".join(
        f'\n[[sources]]\nkind = "rss"\nname = "feed-{n}"\nurl = "https://feeds.example.com/{n}.xml"\nallow_private_network = true\n'
        f"lookback_hours = 1000000\nmax_bytes = 50000000\n"
        for n in range(FEEDS)
    )
    config = TEST_CONFIG.split("[[sources]]")[0] + sources
    transport = httpx.MockTransport(lambda r: httpx.Response(200, content=bodies[str(r.url)], headers={"Content-Type": "application/rss+xml"}))
    rows = []
    for name, url in databases():
        fresh(url)
        rt, _ = runtime(url, config)
        _ = rt.classifier  # loaded before timing: start-up cost is reported by the classifier benchmark
        started = time.perf_counter()
        report = poll_sources(rt, http=httpx.Client(transport=transport))
        elapsed = time.perf_counter() - started
        stored = sum(s.relevant for s in report.sources)
        negative = sum(s.negative for s in report.sources)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows.append([name, f"{total:,}", f"{stored:,}", f"{negative:,}", f"{elapsed:.1f} s", f"{total / elapsed:,.0f}", f"{peak:.0f} MB"])
        rt.engine.dispose()
    return table(
        f"Ingest throughput: filter, dedupe, classify, store ({FEEDS} recorded feeds, one poll)",
        ["database", "mentions", "stored", "negative (cases)", "time", "mentions/s", "process peak RSS so far"],
        rows,
    )
