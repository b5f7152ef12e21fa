"""What a user waits for in a burst: the whole `complaint-bot poll --once` (start, fetch, ingest, drain) as a child
process, against local feed servers and the fake Slack holding it to Slack's rate limits, beside the detector alone
on the same texts.

20 feeds x 1,000 new mentions (the corpus of benchmarks/ingest.py) over real HTTP; the fake Slack
(tests/fake_slack.py, `slack_limits`) answers 429 with Retry-After beyond about one post a second per
channel (bursts of three) and beyond each other method's tier per minute; the bot paces itself the same way
(bot/slack/posting.py, POST_BURST). The command judges a burst in worker processes, one per core
(bot/flows/prejudge.py); the detector's own rate is one core's. The database is migrated before the clock starts. Two rows per
database: the first manager DM'd for every critical case (the default), and no such DMs. On a
shared machine wall times swing with the load: the CPU columns (the command's user + system time,
the detector's per CPU-second) hold steadier.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from benchmarks.common import databases, fresh, table
from benchmarks.ingest import corpus, feed_xml
from bot.classifier import load_classifier
from bot.config import parse_config
from bot.domain.relevance import mention_text
from sources import build_source
from tests import fake_slack
from tests.processes import bot_env

ROOT = Path(__file__).resolve().parents[1]
FEEDS = 20
MANAGER_DM = "D0MANAGER1"


def serve_feeds(bodies: dict[str, bytes]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = bodies[self.path]
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def config_text(feed_base: str, *, urgent_dms: bool) -> str:
    sources = "".join(
        f'\n[[sources]]\nkind = "rss"\nname = "feed-{n}"\nurl = "{feed_base}/{n}.xml"\nallow_private_network = true\n'
        f"lookback_hours = 1000000\nmax_bytes = 50000000\n"
        for n in range(FEEDS)
    )
    return f"""
[brand]
terms = ["Acme", "acme.com"]

[slack]
channel = "C0TRIAGE01"
managers = ["U0MANAGER1"]

[classifier]
notify_manager_at = "{'critical' if urgent_dms else 'never'}"

[playbook]
contact = "help@acme.example"
{sources}"""


def detector_rate(bodies: dict[str, bytes], config: str) -> tuple[float, float]:
    """The detector alone on the texts the command reads, parsed the same way, in this process: texts a second of wall
    time, and of CPU time."""
    parsed = parse_config(config, "bench")
    http = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, content=bodies[r.url.path])))
    mentions = [m for source in parsed.sources for m in build_source(source, http).fetch(None).mentions]
    classifier = load_classifier(parsed.classifier)
    started, cpu = time.perf_counter(), time.process_time()
    for mention in mentions:
        classifier.classify(mention_text(mention.title, mention.text), rating=mention.rating, brand_terms=parsed.brand.terms)
    return len(mentions) / (time.perf_counter() - started), len(mentions) / (time.process_time() - cpu)


def measure(name: str, url: str, total: int, *, urgent_dms: bool = True, checkout: Path = ROOT) -> list[str]:
    """One cold `poll --once` of `total` mentions with the code at `checkout` (another checkout: a before/after run).
    `urgent_dms`: the first manager gets a DM for each critical case, as by default."""
    texts = corpus(total)
    per_feed = total // FEEDS
    bodies = {f"/{n}.xml": feed_xml(n, texts[n * per_feed : (n + 1) * per_feed]) for n in range(FEEDS)}
    feeds = serve_feeds(bodies)
    slack, slack_server = fake_slack.start(fake_slack.FakeSlack(slack_limits=True))
    config = config_text(f"http://127.0.0.1:{feeds.server_port}", urgent_dms=urgent_dms)
    rate, rate_per_cpu = detector_rate(bodies, config)
    with tempfile.TemporaryDirectory(prefix="complaint-bot-bench-") as scratch:
        path = Path(scratch) / "complaint-bot.toml"
        path.write_text(config)
        fresh(url)
        env = bot_env(config=path, database_url=url, slack_url=slack.url) | {"PYTHONPATH": str(checkout)}
        started, children = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run([sys.executable, "-m", "bot.cli", "poll", "--once"], env=env, cwd=checkout, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    feeds.shutdown()
    slack_server.shutdown()
    if done.returncode != 0:
        raise RuntimeError(f"poll --once failed ({done.returncode}): {done.stdout[-2000:]} {done.stderr[-2000:]}")
    posts = slack.calls_to("chat.postMessage")
    whole = total / seconds
    return [
        name, "one per critical case" if urgent_dms else "none", f"{total:,}", done.stdout.strip().splitlines()[-1].split(";")[0], f"{seconds:.1f} s",
        f"{len([c for c in posts if c.args.get('channel') == 'C0TRIAGE01'])} / {len([c for c in posts if c.args.get('channel') == MANAGER_DM])}",
        str(slack.rate_limited), f"{whole:,.0f}", f"{rate:,.0f}", f"{whole / rate:.2f}", f"{cpu:.1f} s", f"{(total / cpu) / rate_per_cpu:.2f}",
    ]


def run(quick: bool) -> str:
    total = 2_000 if quick else 20_000
    rows = [measure(name, url, total, urgent_dms=urgent_dms) for name, url in databases() for urgent_dms in (True, False)]
    return table(
        f"The whole `poll --once` of a burst ({FEEDS} feeds of new mentions), as a user waits for it: start, fetch over HTTP, "
        "ingest, drain to a fake Slack that holds it to Slack's rate limits",
        ["database", "manager DMs", "mentions", "outcome", "whole command", "posts: channel / manager DM", "429s", "mentions/s", "detector alone, texts/s",
         "whole command / detector", "command's CPU", "per CPU-second: command / detector"],
        rows,
    )
