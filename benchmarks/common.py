"""Shared pieces: a scratch database, a runtime pointed at the fake Slack, Markdown tables."""

from __future__ import annotations

import os
import statistics
import tempfile
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import text

from bot.config import parse_config
from bot.db.session import make_engine, upgrade
from bot.runtime import Runtime
from bot.settings import Settings
from tests import fake_slack
from tests.conftest import SIGNING_SECRET, TEST_CONFIG, WEBHOOK_SECRET

POSTGRES_URL = os.environ.get("COMPLAINT_BOT_BENCH_POSTGRES_URL") or os.environ.get("COMPLAINT_BOT_TEST_POSTGRES_URL")


def databases() -> list[tuple[str, str]]:
    scratch = Path(tempfile.mkdtemp(prefix="complaint-bot-bench-")) / "bench.db"
    found = [("SQLite", f"sqlite:///{scratch}")]
    if POSTGRES_URL:
        found.append(("PostgreSQL", POSTGRES_URL))
    return found


def fresh(url: str) -> None:
    if url.startswith("postgresql"):
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    else:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    upgrade(url)


def runtime(url: str, config_text: str = TEST_CONFIG) -> tuple[Runtime, fake_slack.FakeSlack]:
    slack, _ = fake_slack.start()
    settings = Settings(
        slack_bot_token="xoxb-bench", slack_signing_secret=SIGNING_SECRET, complaint_bot_webhook_secret=WEBHOOK_SECRET,
        slack_api_url=slack.url, database_url=url, _env_file=None,
    )
    return Runtime.build(settings, parse_config(config_text, "bench")), slack


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))]


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = [f"### {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def median(values: Sequence[float]) -> float:
    return statistics.median(values)
