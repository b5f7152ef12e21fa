"""Ack latency of button clicks and slash commands with 20 concurrent clients.

Three processes, as in production: the bot (`complaint-bot serve`), a fake Slack
Web API, and this load generator; all on loopback.
"""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from benchmarks.common import databases, fresh, ms, percentile, runtime, table
from message_blocks.ids import Action, case_value
from tests.conftest import SIGNING_SECRET, TEST_CONFIG
from tests.processes import bot_env
from tests.scenario.test_outbox import seed_cases
from tests.slack_requests import block_action, interactive_body, signed_headers, slash_command

CLIENTS = 20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} never became healthy")


def measure(url: str, requests_per_client: int, pause: float) -> dict[str, list[float]]:
    """Each client sends `requests_per_client` requests; with a pause, all 20 fire together then wait (people
    clicking), without one they fire back to back (an overload the work queue must absorb)."""
    fresh(url)
    rt, _ = runtime(url)
    seed_cases(rt, CLIENTS * requests_per_client)
    rt.engine.dispose()
    slack = subprocess.Popen([sys.executable, "-m", "tests.fake_slack"], stdout=subprocess.PIPE, text=True)
    slack_url = slack.stdout.readline().strip()
    config = Path(tempfile.mkdtemp()) / "bench.toml"
    config.write_text(TEST_CONFIG.split("[[sources]]")[0] + "\n[schedule]\npoll_interval_seconds = 3600\n")
    port = free_port()
    bot = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port), "--no-scheduler"],
        env=bot_env(config=config, database_url=url, slack_url=slack_url), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    timings: dict[str, list[float]] = {"click": [], "command": []}
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}/healthz")
        lock = threading.Lock()
        together = threading.Barrier(CLIENTS)
        respond_to = slack_url.replace("/api/", "/respond/T0/1/x")

        def client(number: int) -> None:
            # Bodies signed up front and a plain keep-alive connection: the load generator shares the
            # machine (and its own process's GIL) with what it measures, so it does as little as it can.
            user = f"U0RACER{number:03d}"
            prepared = []
            for i in range(requests_per_client):
                if i % 2 == 0:
                    case = case_value(number * requests_per_client + i + 1)
                    kind, body = "click", interactive_body(block_action(user_id=user, action_id=Action.CLAIM.value, value=case))
                else:
                    kind, body = "command", slash_command(user_id=user, text="list unclaimed", response_url=respond_to)
                prepared.append((kind, body.encode(), signed_headers(SIGNING_SECRET, body, content_type="application/x-www-form-urlencoded")))
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            for i, (kind, body, headers) in enumerate(prepared):
                if pause or i == 0:
                    together.wait()
                sent = time.perf_counter()
                connection.request("POST", "/slack/events", body=body, headers=headers)
                response = connection.getresponse()
                answer = response.read()
                elapsed = time.perf_counter() - sent
                assert response.status == 200, answer
                with lock:
                    timings[kind].append(elapsed)
                time.sleep(pause)
            connection.close()

        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        bot.terminate()
        bot.wait(timeout=30)
        slack.terminate()
    return timings


def run(quick: bool) -> str:
    rows = []
    for name, url in databases():
        for load, pause in (("20 at once, every 1 s", 1.0), ("back to back", 0.0)):
            timings = measure(url, 10 if quick else 40, pause)
            for kind, values in timings.items():
                rows.append([name, load, kind, len(values), ms(percentile(values, 50)), ms(percentile(values, 99)), ms(max(values))])
    return table(
        f"Ack latency, {CLIENTS} concurrent clients (target p99 < 100 ms)", ["database", "load", "request", "n", "p50", "p99", "max"], rows
    )
