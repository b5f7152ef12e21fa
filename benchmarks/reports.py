"""`/complaint stats`, the digest (with its chart) and App Home on 100,000 cases seeded over a year, beside three
times as many mentions that opened no case (the detector scored them under the line)."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import insert, text

from benchmarks.common import databases, fresh, ms, runtime, table
from bot.db.models import Case, MentionRecord
from bot.flows import app_home
from bot.db.session import session_scope
from bot.flows.reports import build_digest, near_misses_of, stats_reply
from message_blocks.digest_chart import digest_chart

# A year of a busy brand.
DAYS = 365
RUNS = 5
# Mentions stored without a case for each one with a case: most of what a brand is mentioned in is no complaint.
UNFLAGGED_PER_CASE = 3


def seed(rt, count: int) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(3)
    now = rt.clock()
    cases, mentions = [], []
    for n in range(1, count + 1):
        detected = now - timedelta(seconds=rng.uniform(0, DAYS * 86400))
        claimed = detected + timedelta(minutes=rng.expovariate(1 / 40)) if rng.random() < 0.9 else None
        resolved = claimed + timedelta(hours=rng.expovariate(1 / 10)) if claimed and rng.random() < 0.8 else None
        status = "resolved" if resolved else ("claimed" if claimed else "open")
        cases.append({"id": n, "status": status, "severity": "medium", "topics": [rng.choice(["billing", "delivery", "support"])], "troll": False,
                      "detected_at": detected, "claimed_at": claimed, "resolved_at": resolved, "first_response_at": claimed,
                      "assignee": f"U0AGENT{n % 8:03d}" if claimed else None})
        mentions.append({"id": n, "source_kind": "rss", "source_name": f"feed-{n % 20}", "external_id": str(n), "url": f"https://e.example/{n}",
                         "canonical_url": f"https://e.example/{n}", "title": "t", "text": "Acme", "author": "", "published_at": detected - timedelta(minutes=5),
                         "detected_at": detected, "score": 0.9, "reasons": [], "fingerprint": None, "case_id": n})
    for n in range(count + 1, (UNFLAGGED_PER_CASE + 1) * count + 1):
        detected = now - timedelta(seconds=rng.uniform(0, DAYS * 86400))
        mentions.append({"id": n, "source_kind": "rss", "source_name": f"feed-{n % 20}", "external_id": str(n), "url": f"https://e.example/{n}",
                         "canonical_url": f"https://e.example/{n}", "title": "t", "text": "Acme", "author": "", "published_at": detected - timedelta(minutes=5),
                         "detected_at": detected, "score": rng.uniform(0, 0.5), "reasons": [], "fingerprint": None, "case_id": None})
    with rt.engine.begin() as connection:
        for start in range(0, count, 5000):
            connection.execute(insert(Case), cases[start:start + 5000])
        for start in range(0, len(mentions), 5000):
            connection.execute(insert(MentionRecord), mentions[start:start + 5000])
    if rt.engine.dialect.name == "postgresql":
        # A year-old database has been vacuumed and analysed by autovacuum; a freshly seeded one is, now.
        with rt.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))


def near_misses_in_a_day(rt) -> object:  # type: ignore[no-untyped-def]
    with session_scope(rt.sessions) as session:
        return near_misses_of(rt, session, start=rt.clock() - timedelta(days=1), end=rt.clock())


def timed(work: Callable[[], object]) -> list[float]:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return times


def run(quick: bool) -> str:
    count = 10_000 if quick else 100_000
    rows = []
    for name, url in databases():
        fresh(url)
        rt, _ = runtime(url)
        seed(rt, count)
        reports = (
            ("/complaint stats 7d", lambda: stats_reply(rt, days=7)),
            ("/complaint stats 30d", lambda: stats_reply(rt, days=30)),
            ("daily digest (numbers)", lambda: build_digest(rt, end=rt.clock())),
            ("its near misses (of the day's 800 mentions without a case)", lambda: near_misses_in_a_day(rt)),
            ("App Home (numbers, lists, views.publish)", lambda: app_home.publish(rt, user_id="U0AGENT001")),
            # Once a day, when the digest is queued; the first run includes importing matplotlib.
            ("digest with its chart (numbers + PNG)", lambda: digest_chart(build_digest(rt, end=rt.clock()))),
        )
        for label, work in reports:
            times = timed(work)
            rows.append([name, f"{count:,}", label, ms(times[0]), ms(statistics.median(times[1:])), ms(max(times))])
        rt.engine.dispose()
    return table(
        f"Reports on a year of history ({RUNS} runs each; the first on a cold cache)",
        ["database", "cases", "report", "first", "median of the rest", "slowest"],
        rows,
    )
