"""The outbox under bursts: one summary plus the most severe cards, never a flood."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.classifier.triage import Triage
from bot.db.models import CaseEvent, MentionRecord, OutboxMessage
from bot.db.session import session_scope
from bot.runtime import Runtime
from bot.services.mentions import open_case
from tests.fake_slack import FakeSlack
from tests.test_core_loop import CHANNEL

SEVERITIES = ["low", "medium", "high", "critical"]


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
