"""Metrics, the digest, SLA reminders, follow-ups and snoozes, with time under the test's control."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.classifier.triage import Triage
from bot.config import parse_config
from bot.db.models import Case, CaseEvent, MentionRecord
from bot.db.session import session_scope
from bot.domain.sla import business_seconds
from bot.flows.reminders import run_reminders
from bot.flows.reports import build_digest, post_digest, scheduled_period_end, stats_reply
from bot.runtime import Runtime
from bot.services import cases
from bot.services.mentions import open_case
from bot.services.metrics import period_numbers
from message_blocks.digest import digest_blocks
from tests.conftest import TEST_CONFIG, Clock
from tests.fake_slack import FakeSlack
from tests.helpers import race

CHANNEL = "C0TRIAGE01"
AGENT = "U0AGENT001"


def digests(slack: FakeSlack) -> list[dict]:
    """Quiet days are a line of text; others share the chart with the digest's blocks."""
    return [
        m for m in slack.channel_messages(CHANNEL)
        if m["text"].startswith("Complaint digest") or any(f["name"].startswith("complaint-digest-") for f in m.get("files", []))
    ]


def seed(runtime: Runtime, detected: datetime, n: int, *, source: str = "acme-alerts", topics: tuple[str, ...] = ("billing",)) -> int:
    with session_scope(runtime.sessions) as session:
        record = MentionRecord(
            source_kind="rss", source_name=source, external_id=f"{source}-{detected.isoformat()}-{n}", url=f"https://x.example/{source}/{detected.timestamp()}/{n}",
            canonical_url=f"https://x.example/{source}/{detected.timestamp()}/{n}", title=f"Complaint {n}", text="Acme let me down",
            author="", published_at=detected - timedelta(minutes=10), detected_at=detected, score=0.9, reasons=[], fingerprint=None,
        )
        session.add(record)
        session.flush()
        return open_case(session=session, record=record, triage=Triage("medium", topics, False), now=detected).case_id


def test_percentiles_and_counts_match_the_seeded_history(runtime: Runtime, clock: Clock) -> None:
    end = clock.now
    ids = []
    for n, minutes in enumerate([10, 20, 30, 40, 50]):
        detected = end - timedelta(hours=20) + timedelta(minutes=n)
        case_id = seed(runtime, detected, n)
        ids.append(case_id)
        with session_scope(runtime.sessions) as session:
            cases.claim(session=session, case_id=case_id, user_id=AGENT, now=detected + timedelta(minutes=minutes))
            if n < 3:
                cases.resolve(session=session, case_id=case_id, user_id=AGENT, resolution="done", root_cause="isolated", now=detected + timedelta(hours=n + 1))
    with session_scope(runtime.sessions) as session:
        cases.dismiss(session=session, case_id=ids[3], user_id=AGENT, reason="false_positive", now=end - timedelta(hours=1))
        numbers = period_numbers(session=session, start=end - timedelta(days=1), end=end, sla=runtime.config.sla)
    assert (numbers.new, numbers.resolved, numbers.dismissed, numbers.false_positives, numbers.backlog) == (5, 3, 1, 1, 1)
    # Claims after 10..50 minutes: nearest-rank median is the 3rd (30 min), p90 the 5th (50 min).
    assert numbers.time_to_claim.count == 5
    assert numbers.time_to_claim.median == pytest.approx(1800, abs=1)
    assert numbers.time_to_claim.p90 == pytest.approx(3000, abs=1)
    assert numbers.time_to_resolve.median == pytest.approx(7200, abs=1)
    # The default claim target is 30 min: the 40- and 50-minute claims breached it.
    assert numbers.claim_breaches == 2
    assert numbers.false_positive_rate == pytest.approx(0.25)
    assert numbers.detection_delay[0][0] == "acme-alerts" and numbers.detection_delay[0][1].median == pytest.approx(600, abs=1)


def test_digest_posts_once_per_period_with_the_database_numbers(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    for n in range(3):
        seed(runtime, clock.now - timedelta(hours=2), n)
    assert post_digest(runtime, end=clock.now) is True
    assert post_digest(runtime, end=clock.now) is False
    replica = Runtime.build(runtime.settings, runtime.config, clock=clock)
    assert post_digest(replica, end=clock.now) is False
    [digest] = digests(slack)
    text = json.dumps(digest["blocks"], ensure_ascii=False)
    assert "*New:* 3 (+3)" in text and "*Open backlog:* 3 (+3)" in text and "Oldest unclaimed" in text
    assert [f["name"] for f in digest["files"]] == ["complaint-digest-20261120T0900Z.png"]


def test_an_empty_day_is_one_line(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    post_digest(runtime, end=clock.now)
    [digest] = digests(slack)
    assert len(digest["blocks"]) == 1
    assert "a quiet day, no complaints and nothing open" in digest["blocks"][0]["text"]["text"]


def test_a_topic_that_jumps_over_its_baseline_is_flagged(runtime: Runtime, clock: Clock) -> None:
    for day in range(1, 8):
        seed(runtime, clock.now - timedelta(days=day, hours=1), day, topics=("delivery",))
    for n in range(8):
        seed(runtime, clock.now - timedelta(hours=1), 100 + n, topics=("billing",))
    view = build_digest(runtime, end=clock.now)
    assert ("topic billing", 8, 0) in view.spikes
    assert all(key != "topic delivery" for key, _, _ in view.spikes)
    assert "Possible systemic issue" in json.dumps(digest_blocks(view))


def test_digest_time_follows_the_local_clock_across_dst() -> None:
    config = parse_config(TEST_CONFIG + '\n[schedule]\ndigest_time = "09:00"\ntimezone = "Europe/London"\n', "t")
    summer, winter = Clock(), Clock()
    summer.now = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    winter.now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    from bot.settings import Settings

    settings = Settings(database_url="sqlite://", _env_file=None)
    assert scheduled_period_end(Runtime.build(settings, config, clock=summer)) == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
    assert scheduled_period_end(Runtime.build(settings, config, clock=winter)) == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_an_unclaimed_case_is_resurfaced_exactly_once(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    case_id = seed(runtime, clock.now, 1)
    runtime.drainer.drain()
    clock.advance(minutes=29)
    assert run_reminders(runtime).claim_breaches == 0
    clock.advance(minutes=2)
    replica = Runtime.build(runtime.settings, runtime.config, clock=clock)
    reports = [run_reminders(rt) for rt in (runtime, replica, runtime)]
    assert [r.claim_breaches for r in reports] == [1, 0, 0]
    for _ in range(5):
        clock.advance(minutes=1)
        run_reminders(runtime)
    resurfaced = [m for m in slack.channel_messages(CHANNEL) if "Nobody has claimed" in json.dumps(m["blocks"])]
    assert len(resurfaced) == 1 and f"*#{case_id}*" in json.dumps(resurfaced[0]["blocks"])


def claimed(runtime: Runtime, case_id: int, clock: Clock) -> None:
    with session_scope(runtime.sessions) as session:
        cases.claim(session=session, case_id=case_id, user_id=AGENT, now=clock.now)


def resolved_with_follow_up(runtime: Runtime, case_id: int, clock: Clock) -> None:
    with session_scope(runtime.sessions) as session:
        cases.resolve(session=session, case_id=case_id, user_id=AGENT, resolution="refunded", root_cause="isolated", now=clock.now, follow_up_at=clock.now + timedelta(days=7))


def snoozed(runtime: Runtime, case_id: int, clock: Clock) -> None:
    with session_scope(runtime.sessions) as session:
        cases.snooze(session=session, case_id=case_id, user_id=AGENT, until=clock.now + timedelta(hours=1), now=clock.now)


# reminder: (how the case is set up, how long until the reminder is due, what counts it, where it lands)
RACES = {
    "unclaimed case resurfaced": (lambda *_: None, timedelta(minutes=31), "claim_breaches", "Nobody has claimed"),
    "owner nudged past the resolve SLA": (claimed, timedelta(hours=25), "resolve_breaches", "is yours and has been open"),
    "follow-up": (resolved_with_follow_up, timedelta(days=7, minutes=1), "follow_ups", "stayed fixed"),
    "back from snooze": (snoozed, timedelta(minutes=61), "unsnoozed", "Back from snooze"),
}


@pytest.mark.parametrize("reminder", RACES)
def test_two_replicas_racing_send_each_reminder_once(runtime: Runtime, slack: FakeSlack, clock: Clock, reminder: str) -> None:
    set_up, due_after, counted, text = RACES[reminder]
    case_id = seed(runtime, clock.now, 1)
    runtime.drainer.drain()
    set_up(runtime, case_id, clock)
    clock.advance(seconds=due_after.total_seconds())

    reports = race(runtime, "cases", run_reminders)

    assert sum(getattr(report, counted) for report in reports) == 1
    sent = [c for c in slack.calls_to("chat.postMessage") if text in json.dumps(c.args.get("blocks"))]
    assert len(sent) == 1


def test_a_stale_claimed_case_nudges_its_owner_once(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    case_id = seed(runtime, clock.now, 1)
    with session_scope(runtime.sessions) as session:
        cases.claim(session=session, case_id=case_id, user_id=AGENT, now=clock.now)
    clock.advance(hours=25)
    assert run_reminders(runtime).resolve_breaches == 1
    assert run_reminders(runtime).resolve_breaches == 0
    assert [c.args["users"] for c in slack.calls_to("conversations.open")] == [AGENT]


def test_auto_escalation_on_a_claim_breach(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    runtime.config.sla.auto_escalate = True
    case_id = seed(runtime, clock.now, 1)
    clock.advance(minutes=45)
    run_reminders(runtime)
    with session_scope(runtime.sessions) as session:
        case = session.get(Case, case_id)
        assert (case.status, case.escalated_to) == ("escalated", "U0MANAGER1")
    assert slack.calls_to("conversations.open")[0].args["users"] == "U0MANAGER1"


def test_business_hours_pause_the_sla_clock(runtime: Runtime, clock: Clock) -> None:
    runtime.config.sla.business_hours = "09:00-17:00"
    runtime.config.schedule.timezone = "Europe/London"
    clock.now = datetime(2026, 11, 20, 16, 50, tzinfo=UTC)  # Friday, ten minutes before closing
    seed(runtime, clock.now, 1)
    clock.now = datetime(2026, 11, 23, 9, 10, tzinfo=UTC)  # Monday morning: 20 working minutes later
    assert run_reminders(runtime).claim_breaches == 0
    clock.now = datetime(2026, 11, 23, 9, 21, tzinfo=UTC)
    assert run_reminders(runtime).claim_breaches == 1


def test_business_seconds_across_dst_changes() -> None:
    london = ZoneInfo("Europe/London")
    hours = (time(9), time(17))
    weekdays = [1, 2, 3, 4, 5, 6, 7]
    # Clocks go forward on Sunday 29 March 2026: the working day is still 8 local hours.
    spring = business_seconds(datetime(2026, 3, 28, 0, 0, tzinfo=UTC), datetime(2026, 3, 30, 0, 0, tzinfo=UTC), hours=hours, days=weekdays, zone=london)
    autumn = business_seconds(datetime(2026, 10, 24, 0, 0, tzinfo=UTC), datetime(2026, 10, 26, 0, 0, tzinfo=UTC), hours=hours, days=weekdays, zone=london)
    assert spring == autumn == 2 * 8 * 3600
    assert business_seconds(datetime(2026, 11, 21, 10, tzinfo=UTC), datetime(2026, 11, 22, 18, tzinfo=UTC), hours=hours, days=[1, 2, 3, 4, 5], zone=london) == 0


def test_follow_up_reminder_arrives_once(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    case_id = seed(runtime, clock.now, 1)
    with session_scope(runtime.sessions) as session:
        cases.resolve(session=session, case_id=case_id, user_id=AGENT, resolution="refunded", root_cause="isolated", now=clock.now, follow_up_at=clock.now + timedelta(days=7))
    clock.advance(days=6)
    assert run_reminders(runtime).follow_ups == 0
    clock.advance(days=1, minutes=1)
    assert run_reminders(runtime).follow_ups == 1
    assert run_reminders(runtime).follow_ups == 0
    dms = [c for c in slack.calls_to("chat.postMessage") if c.args["channel"].startswith("D")]
    assert len(dms) == 1 and "stayed fixed" in json.dumps(dms[0].args["blocks"])


def test_a_snoozed_case_comes_back_when_the_snooze_ends(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    case_id = seed(runtime, clock.now, 1)
    runtime.drainer.drain()
    with session_scope(runtime.sessions) as session:
        cases.snooze(session=session, case_id=case_id, user_id=AGENT, until=clock.now + timedelta(hours=1), now=clock.now)
    clock.advance(minutes=59)
    assert run_reminders(runtime).unsnoozed == 0
    clock.advance(minutes=2)
    assert run_reminders(runtime).unsnoozed == 1
    assert run_reminders(runtime).unsnoozed == 0
    assert any("Back from snooze" in json.dumps(m["blocks"]) for m in slack.channel_messages(CHANNEL))
    with session_scope(runtime.sessions) as session:
        assert session.get(Case, case_id).snoozed_until is None
        assert "snooze_ended" in session.scalars(select(CaseEvent.action).where(CaseEvent.case_id == case_id)).all()


def test_stats_compare_with_the_previous_period(runtime: Runtime, clock: Clock) -> None:
    seed(runtime, clock.now - timedelta(days=1), 1)
    seed(runtime, clock.now - timedelta(days=9), 2)
    seed(runtime, clock.now - timedelta(days=10), 3)
    text = json.dumps(stats_reply(runtime, days=7), ensure_ascii=False)
    assert "*Last 7 days*" in text and "*New:* 1 (-1)" in text


def test_a_spike_raises_one_systemic_issue_alert_a_day(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    from bot.flows.reports import alert_spikes

    for day in range(1, 8):
        seed(runtime, clock.now - timedelta(days=day, hours=1), day, topics=("delivery",))
    for n in range(6):
        seed(runtime, clock.now - timedelta(hours=1), 100 + n, topics=("billing",))
    # Six today against about one a day: both the topic and the (single) source spiked.
    assert set(alert_spikes(runtime)) == {"topic billing", "source acme-alerts"}
    replica = Runtime.build(runtime.settings, runtime.config, clock=clock)
    assert alert_spikes(replica) == []
    runtime.drainer.drain()
    alerts = [m["text"] for m in slack.channel_messages(CHANNEL) if "Possible systemic issue" in m["text"]]
    assert len(alerts) == 2 and any("topic billing has 6 complaints in the last 24 h" in a for a in alerts)


def test_nearest_rank_with_an_even_count_and_delays_per_source(runtime: Runtime, clock: Clock) -> None:
    end = clock.now
    for n, minutes in enumerate([40, 10, 30, 20]):
        detected = end - timedelta(hours=5) + timedelta(minutes=n)
        case_id = seed(runtime, detected, n, source="blog" if n % 2 else "forum")
        with session_scope(runtime.sessions) as session:
            cases.claim(session=session, case_id=case_id, user_id=AGENT, now=detected + timedelta(minutes=minutes))
            session.get(Case, case_id).mentions[0].published_at = detected - timedelta(minutes=5 * (n + 1))
    with session_scope(runtime.sessions) as session:
        numbers = period_numbers(session=session, start=end - timedelta(days=1), end=end, sla=runtime.config.sla)
    # Four claims: the median is the 2nd (20 min), the p90 the 4th (40 min).
    assert (numbers.time_to_claim.median, numbers.time_to_claim.p90) == (pytest.approx(1200, abs=1), pytest.approx(2400, abs=1))
    delays = {source: (t.count, t.median, t.p90) for source, t in numbers.detection_delay}
    assert [source for source, _ in numbers.detection_delay] == ["blog", "forum"]
    assert delays["blog"] == (2, pytest.approx(600, abs=1), pytest.approx(1200, abs=1))
    assert delays["forum"] == (2, pytest.approx(300, abs=1), pytest.approx(900, abs=1))
