"""Shared fixtures: a real database (SQLite file and PostgreSQL), a fake Slack Web API, the bot over real HTTP."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from bot.config import parse_config
from bot.db.models import Base
from bot.db.session import make_engine, upgrade
from bot.runtime import Runtime
from bot.settings import Settings
from tests import fake_slack
from tests.slack_requests import interactive_body, signed_headers, slash_command

FIXTURES = Path(__file__).parent / "fixtures"
SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
WEBHOOK_SECRET = "test-webhook-secret-fedcba9876543210"
POSTGRES_URL = os.environ.get("COMPLAINT_BOT_TEST_POSTGRES_URL")

TEST_CONFIG = """
[brand]
terms = ["Acme", "acme.com"]
exclude = ["road runner"]

[slack]
channel = "C0TRIAGE01"
managers = ["U0MANAGER1"]
post_interval_seconds = 0

[playbook]
contact = "help@acme.example"

[[sources]]
kind = "rss"
name = "acme-alerts"
url = "https://feeds.example.com/acme.xml"
allow_private_network = true
lookback_hours = 1000000
"""


class Clock:
    """Time the tests control: no sleeping for real minutes."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'complaint-bot.db'}"
    else:
        if not POSTGRES_URL:
            if os.environ.get("CI"):
                pytest.fail("COMPLAINT_BOT_TEST_POSTGRES_URL must be set in CI: the suite runs on PostgreSQL too")
            pytest.skip("set COMPLAINT_BOT_TEST_POSTGRES_URL to run against PostgreSQL")
        url = POSTGRES_URL
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    upgrade(url)
    yield url


def _empty_tables(url: str) -> None:
    engine = make_engine(url)
    names = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
        else:
            for name in names:
                connection.execute(text(f"DELETE FROM {name}"))
    engine.dispose()


@pytest.fixture
def empty_database(database_url: str) -> str:
    """The test database with every table emptied: nothing an earlier test stored is left to collide with."""
    _empty_tables(database_url)
    return database_url


@pytest.fixture(scope="session")
def slack_server() -> Iterator[fake_slack.FakeSlack]:
    fake, server = fake_slack.start()
    yield fake
    server.shutdown()


@pytest.fixture
def slack(slack_server: fake_slack.FakeSlack) -> fake_slack.FakeSlack:
    slack_server.reset()
    return slack_server


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def config_text() -> str:
    return TEST_CONFIG


@pytest.fixture
def runtime(database_url: str, slack: fake_slack.FakeSlack, clock: Clock, config_text: str) -> Iterator[Runtime]:
    _empty_tables(database_url)
    settings = Settings(
        slack_bot_token="xoxb-test-token",
        slack_signing_secret=SIGNING_SECRET,
        complaint_bot_webhook_secret=WEBHOOK_SECRET,
        slack_api_url=slack.url,
        database_url=database_url,
        _env_file=None,
    )
    rt = Runtime.build(settings, parse_config(config_text, "test config"), clock=clock)
    yield rt
    rt.engine.dispose()


def feed_transport(routes: dict[str, Path | bytes]) -> httpx.MockTransport:
    """Replays recorded responses: URL -> fixture file (or bytes)."""

    def handle(request: httpx.Request) -> httpx.Response:
        body = routes.get(str(request.url).split("?")[0])
        if body is None:
            return httpx.Response(404, text="no fixture for this URL")
        content = body.read_bytes() if isinstance(body, Path) else body
        return httpx.Response(200, content=content, headers={"Content-Type": "application/rss+xml; charset=utf-8"})

    return httpx.MockTransport(handle)


@dataclass
class BotClient:
    """Talks to the bot's real HTTP server with requests signed as Slack signs them."""

    base_url: str
    http: httpx.Client
    response_url: str

    def post(self, body: str, content_type: str, *, secret: str = SIGNING_SECRET, headers: dict[str, str] | None = None, timestamp: int | None = None) -> httpx.Response:
        signed = signed_headers(secret, body, content_type=content_type, timestamp=timestamp)
        return self.http.post(f"{self.base_url}/slack/events", content=body, headers={**signed, **(headers or {})})

    def interact(self, payload: dict[str, Any]) -> httpx.Response:
        return self.post(interactive_body(payload), "application/x-www-form-urlencoded")

    def command(self, user_id: str, text: str) -> httpx.Response:
        body = slash_command(user_id=user_id, text=text, response_url=self.response_url)
        return self.post(body, "application/x-www-form-urlencoded")


@pytest.fixture
def bot(runtime: Runtime, slack: fake_slack.FakeSlack) -> Iterator[BotClient]:
    from bot.app import build_app, listener_threads
    from bot.web import WebApp, make_server, run_until_closed, stop_serving

    listeners = listener_threads()
    server = make_server(WebApp(runtime, build_app(runtime, executor=listeners)), "127.0.0.1", 0)
    thread = threading.Thread(target=run_until_closed, args=(server,), daemon=True)
    thread.start()
    with httpx.Client(timeout=10) as http:
        yield BotClient(f"http://127.0.0.1:{server.effective_port}", http, slack.response_url)
    stop_serving(server)
    # No listener or queued work of this test may still be writing when the next one starts.
    listeners.shutdown(wait=True)
    runtime.work.shutdown(wait=True)
