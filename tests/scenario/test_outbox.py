"""The outbox under bursts: one summary plus the most severe cards, never a flood."""

from __future__ import annotations

import random
import string
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from bot.classifier.triage import Triage
from bot.db.models import Case, CaseEvent, MentionRecord, OutboxMessage, utcnow
from bot.db.session import session_scope
from bot.domain.enums import IncidentOrigin, OutboxKind
from bot.domain.outbox import ChannelMessage, DirectMessage, QueuedMessage, ThreadNote
from bot.runtime import Runtime
from bot.services.mentions import open_case
from bot.services import incidents
from bot.services.outbox import enqueue, enqueue_timeline, take_due
from bot.slack.delivery import Drainer
from tests.conftest import Clock
from tests.fake_slack import FakeSlack
from tests.processes import FeedServer, bot_env, start_bot, write_config
from tests.scenario.test_core_loop import CHANNEL

MANAGER, MANAGER_DM = "U0MANAGER1", "D0MANAGER1"

SEVERITIES = ["low", "medium", "high", "critical"]
LEASE = timedelta(minutes=2)


def seed_cases(runtime: Runtime, count: int) -> None:
    now = runtime.clock()
    with session_scope(runtime.sessions) as session:
        for n in range(count):
            record = MentionRecord(
                source_kind="rss", source_name="acme-alerts", external_id=f"item-{n}", url=f"https://blog.example.com/{n}",
                canonical_url=f"https://blog.example.com/{n}", title=f"Complaint number {n}", text="Acme let me down",
                author="", published_at=datetime(2026, 11, 20, tzinfo=UTC), detected_at=now, score=0.5 + n / 1000,
                reasons=[], fingerprint=None,
            )
            session.add(record)
            session.flush()
            severity = "critical" if n in (7, 19) else SEVERITIES[n % 3]
            triage = Triage(severity=severity, topics=("billing",) if n % 2 else ("delivery",), troll=False, reasons=())
            open_case(session=session, record=record, triage=triage, now=now)


@pytest.mark.parametrize(("waiting", "summarised"), [(4, False), (5, True)])
def test_the_burst_guard_starts_one_card_past_its_threshold(runtime: Runtime, slack: FakeSlack, waiting: int, summarised: bool) -> None:
    """burst_threshold cards waiting are still posted one by one; one more and all but burst_cards go in a summary."""
    runtime.drainer.burst.threshold, runtime.drainer.burst.cards = 4, 2
    seed_cases(runtime, waiting)
    runtime.drainer.drain()

    texts = [m["text"] for m in slack.channel_messages(CHANNEL)]
    if summarised:
        assert texts[0] == f"{waiting} new complaints arrived at once" and len(texts) == 1 + 2
    else:
        assert len(texts) == waiting and not any("arrived at once" in t for t in texts)


def test_a_burst_is_one_summary_plus_the_most_severe_cards(runtime: Runtime, slack: FakeSlack) -> None:
    seed_cases(runtime, 60)
    runtime.drainer.drain()

    messages = slack.channel_messages(CHANNEL)
    assert len(messages) == 1 + runtime.config.slack.burst_cards
    summary = messages[0]
    assert summary["text"] == "60 new complaints arrived at once"
    assert "*60 new complaints* arrived at once; the 5 most severe are posted as cards below" in str(summary["blocks"])
    assert "…and 40 more" in str(summary["blocks"])
    cards = messages[1:]
    titles = [m["text"] for m in cards]
    assert any("Complaint number 7" in t for t in titles) and any("Complaint number 19" in t for t in titles)
    with session_scope(runtime.sessions) as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))) == 0
        assert session.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.action == "summarised")) == 55


def test_a_small_batch_is_posted_card_by_card(runtime: Runtime, slack: FakeSlack) -> None:
    seed_cases(runtime, 3)
    runtime.drainer.drain()
    assert len(slack.channel_messages(CHANNEL)) == 3


def test_a_failed_summary_leaves_every_case_in_the_outbox(runtime: Runtime, slack: FakeSlack) -> None:
    seed_cases(runtime, 30)
    slack.fail("chat.postMessage", status=500, times=1)
    runtime.drainer.drain()
    with session_scope(runtime.sessions) as session:
        unsent = session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None)))
    # The 25 summarised rows were released for a retry; the five cards were posted.
    assert unsent == 25
    assert len(slack.channel_messages(CHANNEL)) == 5


HEADS_UP: dict[str, QueuedMessage] = {
    "channel_message": ChannelMessage(text="Heads up"),
    "thread_note": ThreadNote(text="Heads up"),
    "dm": DirectMessage(user=MANAGER, text="Heads up"),
}


def delivered(slack: FakeSlack, kind: str, text: str) -> list[dict]:
    where = {
        "channel_message": slack.channel_messages(CHANNEL),
        "thread_note": slack.thread(CHANNEL, slack.channel_messages(CHANNEL)[0]["ts"]),
        "dm": slack.channel_messages(MANAGER_DM),
    }[kind]
    return [m for m in where if m["text"] == text]


@pytest.mark.parametrize("kind", ["channel_message", "thread_note", "dm"])
def test_a_message_slack_took_without_answering_is_not_sent_again(runtime: Runtime, slack: FakeSlack, clock: Clock, kind: str) -> None:
    seed_cases(runtime, 1)
    runtime.drainer.drain()
    with session_scope(runtime.sessions) as session:
        enqueue(session=session, case_id=1, message=HEADS_UP[kind], at=clock.now)
    runtime.slack.timeout = 1
    slack.delay("chat.postMessage", 2, after=True)  # Slack posts it, then answers after the bot gave up
    assert runtime.drainer.drain().failed == 1
    slack.wait_idle()
    assert len(delivered(slack, kind, "Heads up")) == 1

    slack.delays.clear()
    clock.advance(minutes=5)
    assert runtime.drainer.drain().sent == 1
    assert len(delivered(slack, kind, "Heads up")) == 1
    with session_scope(runtime.sessions) as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))) == 0


@pytest.mark.parametrize("kind", ["channel_message", "thread_note", "dm"])
def test_a_dropped_connection_after_slack_posted_is_not_posted_again(runtime: Runtime, slack: FakeSlack, clock: Clock, kind: str) -> None:
    """Slack carries out the post and the connection drops before its answer: the client must not re-send it blindly
    (slack_sdk retries connection errors by default); the outbox retries later, looking first."""
    seed_cases(runtime, 1)
    runtime.drainer.drain()
    with session_scope(runtime.sessions) as session:
        enqueue(session=session, case_id=1, message=HEADS_UP[kind], at=clock.now)
    slack.hang_up("chat.postMessage")
    assert runtime.drainer.drain().failed == 1
    assert len(delivered(slack, kind, "Heads up")) == 1

    clock.advance(minutes=5)
    assert runtime.drainer.drain().sent == 1
    assert len(delivered(slack, kind, "Heads up")) == 1


def test_a_burst_summary_slack_took_without_answering_is_not_sent_again(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    seed_cases(runtime, 30)
    runtime.drainer.burst.cards = 1  # fewer posts to wait out
    runtime.slack.timeout = 1
    slack.delay("chat.postMessage", 2, after=True)
    runtime.drainer.drain()
    slack.wait_idle()
    slack.delays.clear()
    clock.advance(minutes=5)
    runtime.drainer.drain()

    summaries = [m for m in slack.channel_messages(CHANNEL) if "arrived at once" in m["text"]]
    assert len(summaries) == 1
    with session_scope(runtime.sessions) as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))) == 0
        assert session.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.action == "summarised")) == 29


def critical_feed(count: int) -> bytes:
    """An Atom feed of `count` distinct critical complaints (random words keep them from joining as near-duplicates)."""
    rng = random.Random(5)
    start = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    entries = []
    for n in range(count):
        words = " ".join("".join(rng.choices(string.ascii_lowercase, k=6)) for _ in range(24))
        published = (start - timedelta(minutes=n)).isoformat().replace("+00:00", "Z")
        entries.append(
            f"<entry><id>tag:example.com,2026:{n}</id><title>Acme charger {n}</title>"
            f'<link href="https://blog.example.com/fire/{n}"/><published>{published}</published><updated>{published}</updated>'
            f"<content>Terrible! The Acme charger caught fire, unsafe, awful, broken, worst refund ever. Never again, avoid Acme. {words}</content></entry>"
        )
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><id>tag:example.com,2026:feed</id>'
            f"<title>Acme alerts</title><updated>2026-11-20T08:00:00Z</updated>{''.join(entries)}</feed>").encode()


def test_one_poll_drains_everything_it_queued_however_many_rows(runtime: Runtime, slack: FakeSlack, tmp_path: Path) -> None:
    # Over 200 critical complaints in one poll: a burst, so one incident, with its card and one manager DM in place of a
    # card and a DM per case.
    feed = FeedServer(critical_feed(230))
    http = feed.start()
    env = bot_env(config=write_config(tmp_path / "bot.toml", feed.url), database_url=runtime.settings.database_url, slack_url=slack.url)
    process = start_bot("poll", "--once", env=env)
    output = process.communicate(timeout=120)[0].decode()
    http.shutdown()
    assert process.returncode == 0, output

    [card] = slack.channel_messages(CHANNEL)
    assert card["text"].startswith("Incident #1:")
    with session_scope(runtime.sessions) as session:
        opened = session.scalar(select(func.count()).select_from(Case))
        assert session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))) == 0
    assert opened > 200
    [dm] = slack.channel_messages(MANAGER_DM)
    assert dm["text"] == f"Incident #1 ({opened} complaints) was escalated to you."


def test_a_retry_after_longer_than_the_first_backoff_is_honoured(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    """Slack asks for 6 s, one more than the outbox's first backoff (5 s): the card waits the 6 s, not the backoff."""
    seed_cases(runtime, 1)
    runtime.slack.retry_handlers = []  # the outbox itself gets the 429 (the client's own retry would sleep it out)
    slack.fail("chat.postMessage", status=429, retry_after=6, times=1)
    assert runtime.drainer.drain().failed == 1
    calls = len(slack.calls)

    clock.advance(seconds=5.5)  # past the first backoff, not yet past Retry-After: the card is not even looked for
    runtime.drainer.drain()
    assert len(slack.calls) == calls
    time.sleep(max(0.0, slack.penalties[CHANNEL] - time.monotonic()) + 0.05)  # the fake Slack keeps Retry-After in real time
    clock.advance(seconds=1)
    runtime.drainer.drain()
    assert len(slack.channel_messages(CHANNEL)) == 1
    assert slack.early_calls == []


def test_retry_after_holds_back_every_message_to_that_channel(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    seed_cases(runtime, 3)
    # Refused twice: the client's own retry waits once, then the outbox has the 429 in hand.
    slack.fail("chat.postMessage", status=429, retry_after=1, times=2)
    report = runtime.drainer.drain()

    assert slack.early_calls == [], "a message went to the channel before Slack's Retry-After was over"
    assert (report.sent, report.failed) == (2, 1)
    assert len(slack.channel_messages(CHANNEL)) == 2
    clock.advance(seconds=2)
    runtime.drainer.drain()
    assert len(slack.channel_messages(CHANNEL)) == 3


def test_a_row_this_version_cannot_read_is_set_aside_and_the_rest_is_sent(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    """A kind queued by a newer replica (or a payload missing a field): one clear error on the row, no crash, no tight loop."""
    with session_scope(runtime.sessions) as session:
        session.add(OutboxMessage(case_id=None, kind="incident_card", payload={"incident": 3}, created_at=clock.now, not_before=clock.now))
        session.flush()
        enqueue(session=session, case_id=None, message=ChannelMessage(text="Still delivered"), at=clock.now)
    report = runtime.drainer.drain()
    assert (report.sent, report.failed) == (1, 1)
    assert "unknown outbox kind 'incident_card'" in report.errors[0]
    assert [m["text"] for m in slack.channel_messages(CHANNEL)] == ["Still delivered"]
    with session_scope(runtime.sessions) as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "incident_card")).one()
        assert row.sent_at is None and "queued by a newer version" in (row.last_error or "")

    clock.advance(minutes=30)
    assert runtime.drainer.drain().failed == 0  # set aside: not taken again at once


def test_two_drainers_taking_batches_at_once_never_take_the_same_row(runtime: Runtime, clock: Clock) -> None:
    """Drainer A has taken a batch and not committed yet when drainer B asks for one: B must get other rows (PostgreSQL
    skips rows being taken) or wait and see A's leases (SQLite's single writer), never the rows A holds."""
    with session_scope(runtime.sessions) as session:
        for n in range(10):
            enqueue(session=session, case_id=None, message=ChannelMessage(text=f"message {n}"), at=clock.now)
    took_b: list[int] = []

    def drainer_b() -> None:
        with session_scope(runtime.sessions) as session:
            took_b.extend(row.id for row in take_due(session=session, now=clock.now, lease=LEASE, case_id=None, limit=10))

    with session_scope(runtime.sessions) as session:
        took_a = [row.id for row in take_due(session=session, now=clock.now, lease=LEASE, case_id=None, limit=4)]
        other = threading.Thread(target=drainer_b)
        other.start()
        other.join(timeout=1)  # B is done (skipped A's rows) or waits for A's commit
    other.join(timeout=30)
    assert len(took_a) == 4
    assert set(took_a).isdisjoint(took_b)
    assert sorted(took_a + took_b) == list(range(1, 11))


def test_a_dm_waiting_for_its_pace_holds_up_no_channel_message(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    """Five DMs to one manager take two seconds (three at once, Slack's short burst, then one a second); the channel
    message queued after them goes at once."""
    runtime.drainer.poster.post_interval_seconds = 1.0
    with session_scope(runtime.sessions) as session:
        for n in range(5):
            enqueue(session=session, case_id=None, message=DirectMessage(user=MANAGER, text=f"note {n}"), at=clock.now)
        enqueue(session=session, case_id=None, message=ChannelMessage(text="to the channel"), at=clock.now)
    assert runtime.drainer.drain().sent == 6
    dms, (channel_message,) = slack.channel_messages(MANAGER_DM), slack.channel_messages(CHANNEL)
    assert [m["text"] for m in dms] == [f"note {n}" for n in range(5)]
    assert float(dms[2]["ts"]) - float(dms[0]["ts"]) < 0.5 <= 1.9 <= float(dms[4]["ts"]) - float(dms[0]["ts"])
    assert float(channel_message["ts"]) < float(dms[3]["ts"])


def test_a_row_is_never_sent_after_half_its_lease_so_a_second_drainer_cannot_send_it_too(runtime: Runtime, slack: FakeSlack) -> None:
    """Drainer A takes six posts to one channel (six seconds at its pace) with a two-second lease; drainer B comes when
    those leases would have run out. Rows A could not send in time went back and were taken afresh: each posts once."""
    def drainer() -> Drainer:
        return Drainer(
            sessions=runtime.sessions, client=runtime.slack, channel=CHANNEL, clock=utcnow, post_interval_seconds=1.0, lease=timedelta(seconds=2)
        )

    with session_scope(runtime.sessions) as session:
        for n in range(6):
            enqueue(session=session, case_id=None, message=ChannelMessage(text=f"post {n}"), at=utcnow())
    first = threading.Thread(target=drainer().drain)
    first.start()
    time.sleep(2.5)
    drainer().drain()
    first.join(timeout=30)
    assert sorted(m["text"] for m in slack.channel_messages(CHANNEL)) == [f"post {n}" for n in range(6)]


def test_a_thread_note_and_a_card_linked_dm_read_only_where_the_card_is(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    """Neither draws the card, so neither loads the case with its mentions: one small lookup of the card's channel and ts."""
    seed_cases(runtime, 1)
    runtime.drainer.drain()
    with session_scope(runtime.sessions) as session:
        enqueue(session=session, case_id=1, message=ThreadNote(text="Claimed"), at=clock.now)
        enqueue(session=session, case_id=1, message=DirectMessage(user=MANAGER, text="Urgent", blocks=[], link_card=True), at=clock.now)
    statements: list[str] = []
    listen = lambda conn, cursor, statement, *rest: statements.append(statement)  # noqa: E731
    event.listen(runtime.engine, "before_cursor_execute", listen)
    try:
        assert runtime.drainer.drain(case_id=1).sent == 2
    finally:
        event.remove(runtime.engine, "before_cursor_execute", listen)
    assert [m["text"] for m in slack.thread(CHANNEL, slack.channel_messages(CHANNEL)[0]["ts"])] == ["Claimed"]
    assert "archives" in str(slack.channel_messages(MANAGER_DM)[0]["blocks"])  # the card's link was added
    assert not [s for s in statements if "FROM mentions" in s]


def test_dms_waiting_for_their_cards_never_hold_every_thread_the_cards_need(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    """Four people's DM lanes come first in the batch and each waits for a card: the cards' lane must still get a thread,
    or the DMs give up waiting and go out without their links."""
    people = [f"U0PERSON{n:02d}" for n in range(4)]
    with session_scope(runtime.sessions) as session:
        for person in people:
            enqueue(session=session, case_id=None, message=DirectMessage(user=person, text="hello"), at=clock.now)
    seed_cases(runtime, 4)
    with session_scope(runtime.sessions) as session:
        for case_id, person in enumerate(people, start=1):
            enqueue(session=session, case_id=case_id, message=DirectMessage(user=person, text="urgent", blocks=[], link_card=True), at=clock.now)
    runtime.drainer.lease = timedelta(seconds=4)
    runtime.drainer.drain()
    linked = [m for person in people for m in slack.channel_messages("D" + person.lstrip("U")[:9]) if m["text"] == "urgent"]
    assert len(linked) == 4 and all("archives" in str(m["blocks"]) for m in linked)


def test_an_incidents_card_is_redrawn_once_per_transaction_and_never_before_it_is_posted(runtime: Runtime) -> None:
    now = runtime.clock()
    with session_scope(runtime.sessions) as session:
        incident_id = incidents.open_incident(session=session, title="Outage", origin=IncidentOrigin.PERSON, opened_by="U0AGENT001", now=now)
        assert incident_id is not None
        incidents.changed(session=session, incident_id=incident_id, at=now)  # the post, sent after commit, draws this
        session.commit()  # from here on a drainer may have drawn the card: a change needs a redraw
        incidents.changed(session=session, incident_id=incident_id, at=now)
        incidents.changed(session=session, incident_id=incident_id, at=now)
    with session_scope(runtime.sessions) as session:
        kinds = session.scalars(select(OutboxMessage.kind).where(OutboxMessage.kind.in_([OutboxKind.POST_INCIDENT, OutboxKind.UPDATE_INCIDENT])).order_by(OutboxMessage.id)).all()
        assert kinds == [OutboxKind.POST_INCIDENT, OutboxKind.UPDATE_INCIDENT]


def test_an_incidents_timeline_lines_of_one_transaction_are_one_message_and_a_committed_row_is_never_extended(runtime: Runtime) -> None:
    now = runtime.clock()
    with session_scope(runtime.sessions) as session:
        incident_id = incidents.open_incident(session=session, title="Outage", origin=IncidentOrigin.PERSON, opened_by="U0AGENT001", now=now)
        assert incident_id is not None
        enqueue_timeline(session=session, incident_id=incident_id, text="opened", at=now)
        enqueue_timeline(session=session, incident_id=incident_id, text="cases added", at=now)
        session.commit()  # from here on a drainer may take that row: a later line is a message of its own
        enqueue_timeline(session=session, incident_id=incident_id, text="escalated", at=now)
    with session_scope(runtime.sessions) as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == OutboxKind.INCIDENT_NOTE).order_by(OutboxMessage.id)).all()
        assert [row.payload["text"] for row in rows] == ["opened\ncases added", "escalated"]
