"""Ack latency of button clicks and slash commands with 20 concurrent clients, over real HTTP."""

from __future__ import annotations

import threading
import time

import httpx

from benchmarks.common import databases, fresh, ms, percentile, runtime, table
from bot.app import build_app, listener_threads
from bot.web import WebApp, make_server, run_until_closed
from message_blocks.ids import Action, case_value
from tests.conftest import SIGNING_SECRET
from tests.slack_requests import block_action, interactive_body, signed_headers, slash_command
from tests.test_outbox import seed_cases

CLIENTS = 20


def measure(url: str, requests_per_client: int) -> dict[str, list[float]]:
    fresh(url)
    rt, slack = runtime(url)
    seed_cases(rt, CLIENTS * requests_per_client)
    listeners = listener_threads()
    server = make_server(WebApp(rt, build_app(rt, executor=listeners)), "127.0.0.1", 0)
    threading.Thread(target=run_until_closed, args=(server,), daemon=True).start()
    base = f"http://127.0.0.1:{server.effective_port}/slack/events"
    timings: dict[str, list[float]] = {"click": [], "command": []}
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)

    def client(number: int) -> None:
        with httpx.Client(timeout=10) as http:
            start.wait()
            for i in range(requests_per_client):
                case_id = number * requests_per_client + i + 1
                if i % 2 == 0:
                    body = interactive_body(block_action(user_id=f"U0RACER{number:03d}", action_id=Action.CLAIM.value, value=case_value(case_id)))
                    kind = "click"
                else:
                    body = slash_command(user_id=f"U0RACER{number:03d}", text="list unclaimed", response_url=slack.response_url)
                    kind = "command"
                headers = signed_headers(SIGNING_SECRET, body, content_type="application/x-www-form-urlencoded")
                sent = time.perf_counter()
                response = http.post(base, content=body, headers=headers)
                elapsed = time.perf_counter() - sent
                assert response.status_code == 200, response.text
                with lock:
                    timings[kind].append(elapsed)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    server.close()
    listeners.shutdown(wait=True)
    rt.engine.dispose()
    return timings


def run(quick: bool) -> str:
    rows = []
    for name, url in databases():
        timings = measure(url, 10 if quick else 50)
        for kind, values in timings.items():
            rows.append([name, kind, len(values), ms(percentile(values, 50)), ms(percentile(values, 99)), ms(max(values))])
    return table(f"Ack latency, {CLIENTS} concurrent clients (target p99 < 100 ms)", ["database", "request", "n", "p50", "p99", "max"], rows)
