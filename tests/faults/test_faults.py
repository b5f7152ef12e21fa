"""Crashes and outages with the real command in a child process: nothing lost, nothing posted twice."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db.models import Case, MentionRecord, OutboxMessage
from bot.db.session import session_scope
from bot.runtime import Runtime
from tests.fake_slack import FakeSlack
from tests.helpers import wait_for
from tests.processes import FEEDS, FeedServer, bot_env, start_bot, write_config

CHANNEL = "C0TRIAGE01"
MANAGER_DM = "D0MANAGER1"


@pytest.fixture
def feed() -> FeedServer:
    server = FeedServer((FEEDS / "acme-alerts.xml").read_bytes())
    http = server.start()
    yield server
    http.shutdown()


def poll_once(env: dict[str, str]) -> int:
    process = start_bot("poll", "--once", env=env)
    output, _ = process.communicate(timeout=60)
    assert b"Traceback" not in output, output.decode()
    return process.returncode


def cards(slack: FakeSlack) -> list[dict]:
    return slack.channel_messages(CHANNEL)


def case_rows(runtime: Runtime) -> list[Case]:
    with session_scope(runtime.sessions) as session:
        return list(session.scalars(select(Case)))


def test_killed_while_fetching_loses_nothing(runtime: Runtime, slack: FakeSlack, feed: FeedServer, tmp_path: Path) -> None:
    env = bot_env(config=write_config(tmp_path / "bot.toml", feed.url), database_url=runtime.settings.database_url, slack_url=slack.url)
    feed.delay_seconds = 10
    process = start_bot("poll", "--once", env=env)
    wait_for(lambda: feed.requests, timeout=20)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    with session_scope(runtime.sessions) as session:
        assert session.scalars(select(MentionRecord)).all() == []

    feed.delay_seconds = 0
    assert poll_once(env) == 0
    assert len(cards(slack)) == 1
    assert poll_once(env) == 0
    assert len(cards(slack)) == 1


def test_killed_after_slack_accepted_the_card_does_not_post_it_twice(
    runtime: Runtime, slack: FakeSlack, feed: FeedServer, tmp_path: Path
) -> None:
    env = bot_env(config=write_config(tmp_path / "bot.toml", feed.url), database_url=runtime.settings.database_url, slack_url=slack.url)
    slack.delay("chat.postMessage", 10, after=True)
    process = start_bot("poll", "--once", env=env)
    wait_for(lambda: cards(slack), timeout=30)  # Slack has the card; the bot has not heard back
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    [case] = case_rows(runtime)
    assert case.message_ts is None

    slack.delays.clear()
    time.sleep(1.2)  # the dead process's lease on the outbox row runs out
    assert poll_once(env) == 0

    assert len(cards(slack)) == 1
    assert len(slack.calls_to("chat.postMessage")) == 1
    [case] = case_rows(runtime)
    assert case.message_ts == cards(slack)[0]["ts"]


def test_killed_between_store_and_post_posts_once_after_restart(
    runtime: Runtime, slack: FakeSlack, feed: FeedServer, tmp_path: Path
) -> None:
    # The post is in flight when the process dies, and Slack still carries it out. A retry can only
    # see a post that has happened: the lease is what waits for it, so it outlasts Slack's hold here.
    env = bot_env(config=write_config(tmp_path / "bot.toml", feed.url, lease_seconds=3), database_url=runtime.settings.database_url, slack_url=slack.url)
    slack.delay("chat.postMessage", 1, after=False)
    process = start_bot("poll", "--once", env=env)
    wait_for(lambda: slack.in_flight, timeout=30)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert cards(slack) == []

    slack.wait_idle()  # the dead process's post lands
    slack.delays.clear()
    time.sleep(3.2)  # the dead process's lease on the outbox row runs out
    assert poll_once(env) == 0
    slack.wait_idle()
    assert len(cards(slack)) == 1
    [case] = case_rows(runtime)
    assert case.message_ts == cards(slack)[0]["ts"]
    with session_scope(runtime.sessions) as session:
        assert all(row.sent_at is not None for row in session.scalars(select(OutboxMessage)))


def test_killed_while_slack_holds_the_managers_dm_sends_it_once(runtime: Runtime, slack: FakeSlack, tmp_path: Path) -> None:
    critical = (FEEDS / "acme-alerts.xml").read_bytes().replace(
        b"Terrible service, I want my money back", b"The charger caught fire and my lawyer will be in touch. Unsafe"
    )
    feed = FeedServer(critical)
    http = feed.start()
    env = bot_env(config=write_config(tmp_path / "bot.toml", feed.url), database_url=runtime.settings.database_url, slack_url=slack.url)
    slack.delay("chat.postMessage", 10, after=True, channel=MANAGER_DM)
    process = start_bot("poll", "--once", env=env)
    wait_for(lambda: slack.channel_messages(MANAGER_DM), timeout=30)  # Slack has the DM; the bot has not heard back
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)

    slack.delays.clear()
    time.sleep(1.2)  # the dead process's lease on the outbox row runs out
    assert poll_once(env) == 0
    http.shutdown()
    assert len(slack.channel_messages(MANAGER_DM)) == 1
    assert len(cards(slack)) == 1


def test_slack_down_then_back_posts_everything_once(runtime: Runtime, slack: FakeSlack, feed: FeedServer, tmp_path: Path) -> None:
    env = bot_env(config=write_config(tmp_path / "bot.toml", feed.url), database_url=runtime.settings.database_url, slack_url=slack.url)
    slack.fail("chat.postMessage", status=503, times=3)
    assert poll_once(env) == 1  # exit code says something is still waiting
    assert cards(slack) == []
    slack.failures.clear()
    with session_scope(runtime.sessions) as session:
        session.execute(OutboxMessage.__table__.update().values(not_before=OutboxMessage.created_at))
    assert poll_once(env) == 0
    assert len(cards(slack)) == 1


def test_two_replicas_on_one_postgresql_poll_once_and_post_once(
    runtime: Runtime, slack: FakeSlack, feed: FeedServer, tmp_path: Path
) -> None:
    if runtime.engine.dialect.name != "postgresql":
        pytest.skip("replicas share a PostgreSQL database; SQLite is single-host")
    env = bot_env(config=write_config(tmp_path / "bot.toml", feed.url, poll_interval=3600), database_url=runtime.settings.database_url, slack_url=slack.url)
    feed.delay_seconds = 1.5  # both replicas' first polls overlap
    replicas = [start_bot("serve", "--host", "127.0.0.1", "--port", "0", env=env) for _ in range(2)]
    try:
        wait_for(lambda: cards(slack), timeout=30)
        time.sleep(3)
        assert len(feed.requests) == 1, "the advisory lock lets one replica poll"
        assert len(cards(slack)) == 1
        assert len(slack.calls_to("chat.postMessage")) == 1
    finally:
        for replica in replicas:
            replica.send_signal(signal.SIGTERM)
        outputs = [replica.communicate(timeout=20)[0].decode() for replica in replicas]
    assert [replica.returncode for replica in replicas] == [0, 0], outputs


def test_check_reports_each_part(runtime: Runtime, slack: FakeSlack, feed: FeedServer, tmp_path: Path) -> None:
    env = bot_env(config=write_config(tmp_path / "bot.toml", feed.url), database_url=runtime.settings.database_url, slack_url=slack.url)
    process = start_bot("check", env=env)
    output = process.communicate(timeout=60)[0].decode()
    assert process.returncode == 0, output
    for line in (
        "ok   configuration", "ok   database", "ok   Slack bot token (SLACK_BOT_TOKEN): bot complaint-bot in Acme",
        "ok   triage channel C0TRIAGE01: the bot is a member", "ok   source acme-alerts: 3 recent items",
    ):
        assert line in output
    feed.delay_seconds = 0
    broken = start_bot("check", env={**env, "SLACK_API_URL": "http://127.0.0.1:9/api/"})
    output = broken.communicate(timeout=60)[0].decode()
    assert broken.returncode == 1 and "FAIL Slack" in output and "Traceback" not in output


def test_the_database_going_away_briefly_loses_nothing(runtime: Runtime, slack: FakeSlack, clock) -> None:  # type: ignore[no-untyped-def]
    if runtime.engine.dialect.name != "postgresql":
        pytest.skip("kills PostgreSQL sessions; SQLite has no server to lose")
    import httpx
    from sqlalchemy import text

    from bot.db.session import database_answers, make_engine
    from bot.flows.poll import poll as poll_sources
    from tests.conftest import FIXTURES, feed_transport

    http = httpx.Client(transport=feed_transport({"https://feeds.example.com/acme.xml": FIXTURES / "feeds" / "acme-alerts.xml"}))
    poll_sources(runtime, http=http)  # stored and queued
    pooled = [runtime.engine.connect() for _ in range(3)]  # the pool now keeps three idle connections
    for connection in pooled:
        connection.close()
    # The server drops every session of the bot, as in a failover: the pool's connections are dead.
    admin = make_engine(runtime.settings.database_url)
    with admin.connect() as connection:
        terminated = connection.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )).scalar_one()
    admin.dispose()
    assert terminated >= len(pooled)
    assert database_answers(runtime.engine)  # pre-ping replaces the dead connections
    runtime.drainer.drain()
    assert len(cards(slack)) == 1
