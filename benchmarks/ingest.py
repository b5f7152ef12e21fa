"""Ingest throughput: one poll of 50 feeds x 1,000 new mentions, against the detector alone on the same texts.

"ingest" is everything after the feeds are parsed: filter, dedupe, classify, store and queue
the cards, one transaction per feed, as `poll --once` runs it. Each database is measured in a
fresh process, so its peak memory is its own.
"""

from __future__ import annotations

import multiprocessing
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import httpx

from benchmarks.common import databases, fresh, runtime, table
from bot.classifier.tsv import read_labelled
from bot.domain.relevance import mention_text
from bot.flows.ingest import ActiveCases
from bot.flows.poll import enabled_sources, fetch_all, store_fetched
from tests.conftest import TEST_CONFIG

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FEEDS = 50


def corpus(total: int) -> list[str]:
    """`total` real tweets as mentions of Acme, from the public sets beside the checkout. Without them the benchmarks
    stop: figures from a handful of stand-in texts (three times faster than tweets) would not compare with any other."""
    paths = [DATA / name / "train.tsv" for name in ("airline", "tweeteval", "complaints")]
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        raise SystemExit(f"python -m benchmarks: the public tweets are missing ({', '.join(missing)}); run it from a checkout with shared/ beside it")
    texts = [text for path in paths for text in read_labelled(path)[0]]
    return [f"Acme: {texts[i % len(texts)]} (#{i})" for i in range(total)]


def feed_xml(feed: int, texts: list[str]) -> bytes:
    items = "".join(
        f"<item><title>mention {feed}-{i}</title><link>https://example.com/{feed}/{i}</link><guid>{feed}-{i}</guid>"
        f"<pubDate>Fri, 20 Nov 2026 08:00:00 GMT</pubDate><description><![CDATA[{text}]]></description></item>"
        for i, text in enumerate(texts)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>f{feed}</title>{items}</channel></rss>'.encode()


def measure(name: str, url: str, total: int) -> list[str]:
    texts = corpus(total)
    per_feed = total // FEEDS
    bodies = {f"https://feeds.example.com/{n}.xml": feed_xml(n, texts[n * per_feed:(n + 1) * per_feed]) for n in range(FEEDS)}
    sources = "".join(
        f'\n[[sources]]\nkind = "rss"\nname = "feed-{n}"\nurl = "https://feeds.example.com/{n}.xml"\nallow_private_network = true\n'
        f"lookback_hours = 1000000\nmax_bytes = 50000000\n"
        for n in range(FEEDS)
    )
    transport = httpx.MockTransport(lambda r: httpx.Response(200, content=bodies[str(r.url)], headers={"Content-Type": "application/rss+xml"}))
    fresh(url)
    rt, _ = runtime(url, TEST_CONFIG.split("[[sources]]")[0] + sources)
    classifier = rt.classifier  # loaded before timing: start-up cost is reported by the classifier benchmark
    feeds = enabled_sources(rt, httpx.Client(transport=transport))

    started = time.perf_counter()
    fetched = fetch_all(feeds, {})
    parsed = time.perf_counter()
    cpu = time.process_time()
    active = ActiveCases()
    reports = [store_fetched(rt, feed, fetched[feed.name], active) for feed in feeds]
    ingest_seconds, ingest_cpu = time.perf_counter() - parsed, time.process_time() - cpu

    mentions = [m for feed in feeds for m in fetched[feed.name].mentions]
    judged = time.perf_counter()
    for mention in mentions:
        classifier.classify(mention_text(mention.title, mention.text), rating=mention.rating)
    detector_rate = len(mentions) / (time.perf_counter() - judged)
    rt.engine.dispose()

    assert not any(r.error for r in reports), [r.error for r in reports if r.error]
    rate = len(mentions) / ingest_seconds
    return [
        name, f"{len(mentions):,}", f"{sum(r.relevant for r in reports):,}", f"{sum(r.negative - r.joined for r in reports):,}",
        f"{sum(r.joined for r in reports):,}", f"{parsed - started:.1f} s", f"{ingest_seconds:.1f} s", f"{rate:,.0f}",
        f"{len(mentions) / ingest_cpu:,.0f}", f"{detector_rate:,.0f}", f"{rate / detector_rate:.2f}",
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB",
    ]


def run(quick: bool) -> str:
    total = 5_000 if quick else 50_000
    rows = []
    for name, url in databases():
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as fresh_process:
            rows.append(fresh_process.submit(measure, name, url, total).result())
    return table(
        f"Ingest: one poll of {FEEDS} feeds of new mentions (filter, dedupe, classify, store, queue cards; one transaction per feed)",
        ["database", "mentions", "stored", "cases opened", "joined a case", "fetch + parse", "ingest", "ingest mentions/s",
         "per CPU-second", "detector alone, texts/s", "ingest / detector", "peak RSS"],
        rows,
    )
