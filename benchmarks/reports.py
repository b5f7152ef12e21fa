"""`/complaint stats` and the digest on 100,000 seeded cases."""

from __future__ import annotations

import random
import time
from datetime import timedelta

from sqlalchemy import insert

from benchmarks.common import databases, fresh, ms, runtime, table
from bot.db.models import Case, MentionRecord
from bot.flows.reports import build_digest, stats_reply


def seed(rt, count: int) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(3)
    now = rt.clock()
    cases, mentions = [], []
    for n in range(1, count + 1):
        detected = now - timedelta(seconds=rng.uniform(0, 60 * 86400))
        claimed = detected + timedelta(minutes=rng.expovariate(1 / 40)) if rng.random() < 0.9 else None
        resolved = claimed + timedelta(hours=rng.expovariate(1 / 10)) if claimed and rng.random() < 0.8 else None
        status = "resolved" if resolved else ("claimed" if claimed else "open")
        cases.append({"id": n, "status": status, "severity": "medium", "topics": [rng.choice(["billing", "delivery", "support"])], "troll": False,
                      "detected_at": detected, "claimed_at": claimed, "resolved_at": resolved, "first_response_at": claimed})
        mentions.append({"id": n, "source_kind": "rss", "source_name": f"feed-{n % 20}", "external_id": str(n), "url": f"https://e.example/{n}",
                         "canonical_url": f"https://e.example/{n}", "title": "t", "text": "Acme", "author": "", "published_at": detected - timedelta(minutes=5),
                         "detected_at": detected, "score": 0.9, "reasons": [], "fingerprint": None, "case_id": n})
    with rt.engine.begin() as connection:
        for start in range(0, count, 5000):
            connection.execute(insert(Case), cases[start:start + 5000])
            connection.execute(insert(MentionRecord), mentions[start:start + 5000])


def run(quick: bool) -> str:
    count = 10_000 if quick else 100_000
    rows = []
    for name, url in databases():
        fresh(url)
        rt, _ = runtime(url)
        seed(rt, count)
        for label, work in (("/complaint stats 7d", lambda: stats_reply(rt, days=7)), ("/complaint stats 30d", lambda: stats_reply(rt, days=30)),
                            ("daily digest", lambda: build_digest(rt, end=rt.clock()))):
            started = time.perf_counter()
            work()
            rows.append([name, f"{count:,}", label, ms(time.perf_counter() - started)])
        rt.engine.dispose()
    return table("Reports on a large history", ["database", "cases", "report", "build time"], rows)
