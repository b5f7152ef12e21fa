"""Running the real `complaint-bot` command in a child process, against local servers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.conftest import SIGNING_SECRET

FEEDS = Path(__file__).parent / "fixtures" / "feeds"


@dataclass
class FeedServer:
    """Serves a fixture feed over real HTTP on 127.0.0.1; can be slow on purpose."""

    body: bytes
    delay_seconds: float = 0.0
    requests: list[float] = field(default_factory=list)
    url: str = ""

    def start(self) -> ThreadingHTTPServer:
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                feed.requests.append(time.monotonic())
                time.sleep(feed.delay_seconds)
                self.send_response(200)
                self.send_header("Content-Type", "application/atom+xml")
                self.send_header("Content-Length", str(len(feed.body)))
                self.end_headers()
                self.wfile.write(feed.body)

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{server.server_port}/acme.xml"
        return server


def write_config(path: Path, feed_url: str, *, poll_interval: int = 300, lease_seconds: int = 1, extra_slack: str = "") -> Path:
    path.write_text(
        f"""
[brand]
terms = ["Acme"]
exclude = ["road runner"]

[slack]
channel = "C0TRIAGE01"
managers = ["U0MANAGER1"]
post_interval_seconds = 0
{extra_slack}

[schedule]
poll_interval_seconds = {poll_interval}
outbox_interval_seconds = 1
outbox_lease_seconds = {lease_seconds}

[[sources]]
kind = "rss"
name = "acme-alerts"
url = "{feed_url}"
allow_private_network = true
lookback_hours = 1000000
"""
    )
    return path


def bot_env(*, config: Path, database_url: str, slack_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COMPLAINT_BOT_", "DATABASE_URL"))}
    env.update(
        SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack_url,
        DATABASE_URL=database_url,
        COMPLAINT_BOT_CONFIG=str(config),
        PYTHONPATH=str(Path(__file__).resolve().parents[1]),
    )
    return env


def start_bot(*args: str, env: dict[str, str], log: Path | None = None) -> subprocess.Popen[bytes]:
    """Output goes to a pipe (read it with communicate()), or for a long run to the `log` file, which never fills."""
    output = subprocess.PIPE if log is None else log.open("wb")
    return subprocess.Popen([sys.executable, "-m", "bot.cli", *args], env=env, stdout=output, stderr=subprocess.STDOUT)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
