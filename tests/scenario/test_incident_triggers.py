"""Incidents the bot opens (a spike, a burst) and the guarantees across replicas sharing the database: one incident card,
one DM, one case in one incident, one set of follow-ups."""

from __future__ import annotations

import random
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select

from bot.db.models import Case, OutboxMessage, ReplyDraft
from bot.db.session import session_scope
from bot.domain.enums import DraftPurpose, IncidentStatus, OutboxKind
from bot.flows import case_actions as case_flows
from bot.flows import incidents as incident_flows
from bot.flows.poll import poll
from bot.flows.reports import alert_spikes
from bot.runtime import Runtime
from bot.services.incidents import IncidentRefused
from tests.conftest import TEST_CONFIG, Clock, feed_transport
from tests.fake_slack import FakeSlack
from tests.helpers import race
from tests.scenario.incident_steps import (
    AGENT,
    CHANNEL,
    MANAGER,
    MANAGER_DM,
    OTHER,
    incident_cards,
    incidents,
    posted,
    seed,
    the_case,
    the_incident,
)

FEED_URL = "https://feeds.example.com/acme.xml"
WORDS = (
    "kettle router parcel invoice refund courier warranty battery screen charger laptop blender heater tablet speaker "
    "camera printer monitor cable adapter toaster fridge oven vacuum drone watch phone headset keyboard mouse lamp "
    "Leeds Bristol Glasgow Cardiff Belfast Dover Bath York Hull Derby Luton Perth Ely Truro Wells Ripon Salford Exeter"
).split()


@pytest.fixture
def config_text() -> str:
    """A small burst threshold: a burst of a dozen complaints, like one of thousands, becomes an incident."""
    return TEST_CONFIG.replace("post_interval_seconds = 0", "post_interval_seconds = 0\nburst_threshold = 8\nburst_cards = 3")


def burst_feed(count: int) -> bytes:
    """`count` distinct, severe complaints in one Atom feed (each different enough not to join another's case)."""
    pick = random.Random(7)
    entries = []
    for n in range(count):
        words = " ".join(pick.sample(WORDS, 30))
        entries.append(
            f"<entry><id>tag:burst:{n}</id><title>Acme {words}</title><link href=\"https://burst.example.com/{n}\"/>"
            f"<published>2026-11-20T08:{n % 60:02d}:00Z</published><content type=\"html\">Terrible, the Acme {words} caught fire. "
            f"Unsafe, dangerous, awful, worst product ever; my lawyer will be in touch</content></entry>"
        )
    return f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>burst</title>{"".join(entries)}</feed>'.encode()


def poll_feed(runtime: Runtime, feed: bytes) -> None:
    poll(runtime, http=httpx.Client(transport=feed_transport({FEED_URL: feed})))


def count(runtime: Runtime, model: type, *conditions: object) -> int:
    with session_scope(runtime.sessions) as session:
        return session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0  # type: ignore[arg-type]


def test_a_burst_becomes_one_incident_with_one_dm_instead_of_one_per_case(runtime: Runtime, slack: FakeSlack) -> None:
    poll_feed(runtime, burst_feed(30))
    runtime.drainer.drain()

    opened = count(runtime, Case)
    assert opened > runtime.config.slack.burst_threshold
    [incident] = incidents(runtime)
    assert (incident.origin, incident.opened_by, incident.title) == ("burst", "bot", f"Burst: {opened} complaints in one poll")
    assert count(runtime, Case, Case.incident_id == incident.id) == opened
    [card] = incident_cards(slack)
    assert f"{opened} complaints" in card["text"]
    # Every case was severe enough to DM the manager: one DM for the incident instead of one per case.
    [dm] = slack.channel_messages(MANAGER_DM)
    assert dm["text"] == f"Incident #{incident.id} ({opened} complaints) was escalated to you."
    folded = count(runtime, OutboxMessage, OutboxMessage.kind == OutboxKind.DM, OutboxMessage.last_error == f"folded into incident #{incident.id}")
    assert folded == opened
    # The incident's card is the one message in the channel: no card per case, no burst summary.
    assert slack.channel_messages(CHANNEL) == [card]
    folded = count(runtime, OutboxMessage, OutboxMessage.kind == OutboxKind.POST_CARD, OutboxMessage.last_error == f"folded into incident #{incident.id}")
    assert folded == opened
    # Its timeline opens with one message, not three (opened, cases added, escalated): each post costs the channel a second.
    [opening] = slack.thread(CHANNEL, card["ts"])
    assert opening["text"].splitlines() == [
        f"Incident #{incident.id} opened ({opened} new cases arrived in one poll). Its timeline follows in this thread.",
        f"The bot added {opened} cases: " + ", ".join(f"#{c}" for c in range(1, 21)) + f" and {opened - 20} more.",
        f"The bot escalated this incident to <@{MANAGER}>: one DM, kept up to date as the incident grows.",
    ]


def test_a_burst_case_someone_claims_gets_its_card_with_the_claim_in_its_thread(runtime: Runtime, slack: FakeSlack) -> None:
    poll_feed(runtime, burst_feed(12))
    runtime.drainer.drain()
    [incident] = incidents(runtime)
    assert not [m for m in slack.channel_messages(CHANNEL) if m["text"].startswith("Negative mention")]

    case_flows.claim(runtime, case_id=3, user_id=AGENT)

    [case_card] = [m for m in slack.channel_messages(CHANNEL) if m["text"].startswith("Negative mention #3")]
    assert f"part of incident #{incident.id}" in str(case_card["blocks"]) and f"<@{AGENT}>" in str(case_card["blocks"])
    [claimed] = slack.thread(CHANNEL, case_card["ts"])
    assert f"<@{AGENT}>" in claimed["text"]
    # Nothing is left waiting for a card that will never come.
    with session_scope(runtime.sessions) as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))) == 0


def test_a_spike_groups_its_cases_into_one_incident_across_two_replicas(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    for day in range(1, 8):
        seed(runtime, 100 + day, minutes_ago=day * 1440 + 60, topics=("delivery",))
    spiked = [seed(runtime, n, minutes_ago=60) for n in range(1, 7)]

    alerted = race(runtime, "spike_alerts", alert_spikes)
    runtime.drainer.drain()

    assert sorted(len(keys) for keys in alerted) == [0, 2]  # one replica alerted (topic and source); the other found it done
    [incident] = incidents(runtime)
    assert (incident.origin, incident.title) == ("spike", "Spike: topic billing")
    assert {the_case(runtime, c).incident_id for c in spiked} == {incident.id}
    [card] = incident_cards(slack)
    assert "6 complaints" in card["text"]
    alerts = [m["text"] for m in slack.channel_messages(CHANNEL) if "Possible systemic issue" in m["text"]]
    assert any(f"grouped as incident #{incident.id}" in a for a in alerts)
    # The next day the topic spikes again: its cases join the incident still open, not a new one.
    clock.advance(days=1)
    later = [seed(runtime, n, minutes_ago=30) for n in range(20, 26)]
    alert_spikes(runtime)
    assert len(incidents(runtime)) == 1 and {the_case(runtime, c).incident_id for c in later} == {incident.id}


def test_two_people_merging_the_same_case_at_once_exactly_one_wins(runtime: Runtime, slack: FakeSlack) -> None:
    [case] = posted(runtime, 1)
    with runtime.transaction() as session:
        first = incident_flows.new_incident(session, title="Outage A", user_id=AGENT, now=runtime.clock())
        second = incident_flows.new_incident(session, title="Outage B", user_id=OTHER, now=runtime.clock())
    targets = iter([(AGENT, first), (OTHER, second)])

    def merge(rt: Runtime) -> str:
        user, incident_id = next(targets)
        try:
            incident_flows.join(rt, case_ids=[case.id], user_id=user, incident_id=incident_id)
        except IncidentRefused as refused:
            return str(refused)
        return f"joined #{incident_id}"

    outcomes = race(runtime, "cases", merge)
    winner = the_case(runtime, case.id).incident_id
    assert winner in (first, second)
    assert sorted(outcomes) == sorted([f"joined #{winner}", f"Case #{case.id} is already part of incident #{winner}: take it out of that one first. Nothing was changed."])
    loser = second if winner == first else first
    # The loser's incident got nothing: no case, no "added" in its timeline.
    assert count(runtime, Case, Case.incident_id == loser) == 0


def test_two_replicas_escalating_an_incident_send_one_dm(runtime: Runtime, slack: FakeSlack) -> None:
    cases = posted(runtime, 2)
    incident_id, _ = incident_flows.join(runtime, case_ids=[c.id for c in cases], user_id=AGENT, incident_id=None, title="Outage")

    race(runtime, "incidents", lambda rt: incident_flows.escalate(rt, incident_id=incident_id, user_id=AGENT, manager_id="U0MANAGER1", reason="Big"))
    runtime.drainer.drain()

    assert len(slack.channel_messages(MANAGER_DM)) == 1
    assert count(runtime, OutboxMessage, OutboxMessage.kind == OutboxKind.INCIDENT_DM) == 1


def test_two_replicas_marking_an_incident_fixed_draft_one_follow_up_per_person(runtime: Runtime, slack: FakeSlack) -> None:
    ids = [seed(runtime, n, author=author) for n, author in ((1, "ines"), (2, "ines"), (3, "omar"), (4, "mara"))]
    runtime.drainer.drain()
    incident_id, _ = incident_flows.join(runtime, case_ids=ids, user_id=AGENT, incident_id=None, title="Double charges")
    incident_flows.save_root_cause(runtime, incident_id=incident_id, user_id=AGENT, note="a payment retry charged cards twice")
    incident_flows.advance(runtime, incident_id=incident_id, to=IncidentStatus.FIXING, user_id=AGENT)

    def mark_fixed(rt: Runtime) -> str:
        try:
            incident_flows.advance(rt, incident_id=incident_id, to=IncidentStatus.FIXED, user_id=AGENT)
        except IncidentRefused as refused:
            return str(refused)
        return "fixed"

    outcomes = race(runtime, "incidents", mark_fixed)
    runtime.drainer.drain()

    assert sorted(outcomes) == sorted(["fixed", f"Incident #{incident_id} is already fixed; nothing was changed."])
    # Ines wrote twice: one follow-up for her, one for each of the others.
    assert count(runtime, ReplyDraft, ReplyDraft.incident_id == incident_id, ReplyDraft.purpose == DraftPurpose.INCIDENT_FIX) == 3
    review = [m for m in slack.thread(CHANNEL, the_incident(runtime, incident_id).message_ts or "") if m["text"].endswith("follow-ups to approve")]
    assert len(review) == 1 and "a payment retry charged cards twice" in str(review[0]["blocks"])
    assert the_incident(runtime, incident_id).check_in_at == runtime.clock() + timedelta(days=30)
