"""The poll across sources: health, failures reported once, muted authors, near-duplicates, disabled sources."""

from __future__ import annotations

import gc

import httpx
from sqlalchemy import select

from bot.db.models import Case, MentionRecord, SourceState
from bot.db.session import session_scope
from bot.flows.poll import poll as poll_sources
from bot.runtime import Runtime
from bot.services import cases
from tests.conftest import FIXTURES, Clock
from tests.fake_slack import FakeSlack

CHANNEL = "C0TRIAGE01"
FEED = "https://feeds.example.com/acme.xml"
BLOG = "https://kitchen.example.com/feed.xml"


def two_feeds(config_text: str) -> str:
    return config_text + f'''
[[sources]]
kind = "rss"
name = "kitchen-blog"
url = "{BLOG}"
allow_private_network = true
lookback_hours = 1000000
'''


def poll(runtime: Runtime, routes: dict[str, object]) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        answer = routes[str(request.url)]
        if isinstance(answer, httpx.Response):
            return answer
        return httpx.Response(200, content=answer.read_bytes(), headers={"Content-Type": "application/rss+xml"})

    poll_sources(runtime, http=httpx.Client(transport=httpx.MockTransport(handle)))
    runtime.drainer.drain()


def test_the_cycle_collector_is_paused_while_the_sources_are_fetched_and_resumed_after(runtime: Runtime) -> None:
    running: list[bool] = []

    def handle(request: httpx.Request) -> httpx.Response:
        running.append(gc.isenabled())
        return httpx.Response(200, content=(FIXTURES / "feeds" / "acme-alerts.xml").read_bytes(), headers={"Content-Type": "application/rss+xml"})

    poll_sources(runtime, http=httpx.Client(transport=httpx.MockTransport(handle)))
    assert running == [False] and gc.isenabled()


def test_a_broken_source_is_reported_once_and_does_not_stop_the_others(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    routes = {FEED: httpx.Response(500), BLOG: FIXTURES / "sources" / "blog-rss.xml"}
    from bot.config import parse_config
    from tests.conftest import TEST_CONFIG

    runtime.config = parse_config(two_feeds(TEST_CONFIG), "test")
    for _ in range(8):
        poll(runtime, routes)
        clock.advance(hours=2)  # past any backoff
    warnings = [m for m in slack.channel_messages(CHANNEL) if "has failed" in m["text"]]
    assert len(warnings) == 1 and "*acme-alerts* has failed 5 polls in a row" in warnings[0]["text"]
    with session_scope(runtime.sessions) as session:
        states = {s.name: s for s in session.scalars(select(SourceState))}
        assert states["acme-alerts"].consecutive_failures == 8 and "answered HTTP 500" in states["acme-alerts"].last_error
        assert states["kitchen-blog"].consecutive_failures == 0 and states["kitchen-blog"].items_seen == 2
        assert session.scalars(select(MentionRecord.source_name)).all() == ["kitchen-blog", "kitchen-blog"]

    routes[FEED] = FIXTURES / "feeds" / "acme-alerts.xml"
    poll(runtime, routes)
    assert any(m["text"] == "✅ Source *acme-alerts* is working again." for m in slack.channel_messages(CHANNEL))


def test_a_failing_source_backs_off(runtime: Runtime, clock: Clock) -> None:
    calls = []

    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(clock.now)
        return httpx.Response(429, headers={"Retry-After": "600"})

    http = httpx.Client(transport=httpx.MockTransport(handle))
    poll_sources(runtime, http=http)
    clock.advance(minutes=5)
    poll_sources(runtime, http=http)  # within Retry-After: not asked again
    clock.advance(minutes=6)
    poll_sources(runtime, http=http)
    assert len(calls) == 2


def test_muted_authors_are_filtered_out_of_future_polls(runtime: Runtime) -> None:
    from bot.config import parse_config
    from tests.conftest import TEST_CONFIG

    runtime.config = parse_config(two_feeds(TEST_CONFIG), "test")
    with session_scope(runtime.sessions) as session:
        cases.mute_author(session=session, author="Priya Natarajan", user_id="U0AGENT001", now=runtime.clock())
    poll(runtime, {FEED: FIXTURES / "feeds" / "acme-alerts.xml", BLOG: FIXTURES / "sources" / "blog-rss.xml"})
    with session_scope(runtime.sessions) as session:
        authors = session.scalars(select(MentionRecord.author).where(MentionRecord.source_name == "kitchen-blog")).all()
    assert authors == ["Tom Okafor"]


def test_a_repost_joins_the_open_case_instead_of_a_new_card(runtime: Runtime, slack: FakeSlack) -> None:
    original = (FIXTURES / "feeds" / "acme-alerts.xml").read_text()
    poll(runtime, {FEED: FIXTURES / "feeds" / "acme-alerts.xml"})
    repost = original.replace("feed:1000000000000000001", "feed:1000000000000000099").replace(
        "https://blog.example.com/2026/11/acme-double-charge/", "https://mirror.example.net/acme-double-charge"
    )
    path = FIXTURES.parent / "repost.tmp.xml"
    path.write_text(repost)
    try:
        poll(runtime, {FEED: path})
    finally:
        path.unlink()
    with session_scope(runtime.sessions) as session:
        [case] = session.scalars(select(Case)).all()
        assert len(case.mentions) == 2
    cards = slack.channel_messages(CHANNEL)
    assert len(cards) == 1
    assert "+1 similar" in str(slack.calls_to("chat.update")[-1].args["blocks"])


def test_a_disabled_source_is_shown_not_counted_as_failing(runtime: Runtime, monkeypatch) -> None:
    from bot.config import parse_config
    from tests.conftest import TEST_CONFIG

    monkeypatch.delenv("X_BEARER_TOKEN", raising=False)
    runtime.config = parse_config(TEST_CONFIG + '\n[[sources]]\nkind = "x"\nname = "x-search"\nquery = "acme"\n', "test")
    poll(runtime, {FEED: FIXTURES / "feeds" / "acme-alerts.xml"})
    with session_scope(runtime.sessions) as session:
        state = session.get(SourceState, "x-search")
        assert state.consecutive_failures == 0
        assert state.last_error == "disabled: set the environment variable X_BEARER_TOKEN to the X API bearer token"


def test_secrets_never_reach_logs_or_stored_errors(runtime: Runtime, slack: FakeSlack, caplog) -> None:
    from bot.config import parse_config
    from tests.conftest import TEST_CONFIG

    secret_feed = "https://feeds.example.com/private.xml?token=sup3r-s3cret&q=acme"
    runtime.config = parse_config(TEST_CONFIG.replace("https://feeds.example.com/acme.xml", secret_feed), "test")
    from bot.cli import configure_logging

    configure_logging(verbose=False)
    slack.fail("chat.postMessage", status=500, times=5)
    with caplog.at_level("INFO"):
        poll(runtime, {secret_feed: httpx.Response(500)})
        runtime.drainer.drain()
    with session_scope(runtime.sessions) as session:
        stored = session.get(SourceState, "acme-alerts").last_error
    everything = caplog.text + stored + repr(runtime.settings)
    assert "sup3r-s3cret" not in everything
    assert "xoxb-test-token" not in everything and "test-signing-secret" not in everything


def test_a_stored_mention_reported_by_two_people_at_once_opens_one_case(runtime: Runtime, clock: Clock) -> None:
    from bot.flows.ingest import Ingested, Outcome, ingest, reported_by
    from sources import Mention
    from tests.helpers import race

    url = "https://forum.example.com/t/acme-kettle/7"
    with session_scope(runtime.sessions) as session:  # seen by a poll and judged not negative: no case
        session.add(MentionRecord(
            source_kind="rss", source_name="acme-alerts", external_id="kettle-7", url=url, canonical_url=url, title="Acme kettle",
            text="The Acme kettle lid sticks", author="", published_at=clock.now, detected_at=clock.now, score=0.2, reasons=[], fingerprint=None,
        ))
    mention = Mention(source_kind="manual", source_name="reported by hand", external_id=url, url=url, title="Acme kettle", text="", author="", published_at=None)

    def report(rt: Runtime) -> Ingested:
        with rt.transaction() as session:
            (outcome,) = ingest(rt, session=session, batch=[mention], intake=reported_by("U0AGENT001"), now=rt.clock())
        return outcome

    reports = race(runtime, "mentions", report)

    with session_scope(runtime.sessions) as session:
        [case_id] = session.scalars(select(Case.id)).all()
        assert session.scalars(select(MentionRecord.case_id)).all() == [case_id]
    assert sorted((r.case_id, r.kind) for r in reports) == [(case_id, Outcome.DUPLICATE), (case_id, Outcome.NEW_CASE)]
