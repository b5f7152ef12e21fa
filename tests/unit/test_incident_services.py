"""Incident service functions called directly, each test inside one transaction that is rolled back at the end."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.domain.enums import CaseStatus, DraftPurpose, IncidentOrigin, Severity
from bot.db.models import Case, MentionRecord
from bot.services import incident_follow_ups, incident_views, incidents, mentions
from sources.base import Mention
from tests.unit.test_services import NEGATIVE, NOW, mention, open_case, session

__all__ = ["session"]  # the fixture: one rolled-back transaction per test


def test_a_trigger_key_opens_one_incident_however_often_it_is_seen(session: Session) -> None:
    key = "spike:topic billing:2026-11-20"
    first = incidents.open_incident(session=session, title="Spike", origin=IncidentOrigin.SPIKE, opened_by="bot", now=NOW, trigger_key=key)
    again = incidents.open_incident(session=session, title="Spike", origin=IncidentOrigin.SPIKE, opened_by="bot", now=NOW, trigger_key=key)
    assert first is not None and again is None
    assert incidents.open_by_trigger(session=session, prefix="spike:topic billing:") == first
    assert incidents.open_by_trigger(session=session, prefix="spike:topic billin_:") is None  # a LIKE wildcard in a key is a literal


def test_an_incidents_follow_ups_are_saved_once_per_complainant(session: Session) -> None:
    case_id = open_case(session)
    incident_id = incidents.open_incident(session=session, title="Outage", origin=IncidentOrigin.PERSON, opened_by="U0AGENT001", now=NOW)
    assert incident_id is not None
    incidents.add_cases(session=session, incident_id=incident_id, case_ids=[case_id], actor="U0AGENT001", now=NOW)

    def save(text: str) -> int:
        return incident_follow_ups.save_drafts(
            session=session, incident_id=incident_id, purpose=DraftPurpose.INCIDENT_FIX, texts=[(case_id, text)], saved_by="bot", now=NOW
        )

    assert save("It's fixed") == 1
    assert save("It's fixed, again") == 0  # drafted twice (a repeat, a replica): the first draft stands
    [(draft, _)] = incident_follow_ups.drafted(session=session, incident_id=incident_id, purpose=DraftPurpose.INCIDENT_FIX)
    assert draft.text == "It's fixed"
    assert incident_views.view(session=session, incident_id=incident_id, now=NOW).follow_ups == 1


def test_the_card_quotes_three_authors_however_far_down_the_most_negative_list_they_are(session: Session) -> None:
    # 30 cases by one author score highest: the two other authors' words are read from beyond the first batch.
    cases = []
    for n, (author, score) in enumerate([("pat", 0.99)] * 30 + [("sam", 0.80), ("kim", 0.70), ("lee", 0.60)]):
        stored = Mention(
            source_kind="rss", source_name="acme-alerts", external_id=f"quote-{n}", url=f"https://blog.example.com/q{n}",
            title=f"Post {n}", text=f"{author} says Acme charged twice ({n})", author=author,
        )
        added = mentions.store_unless_stored(session=session, mention=stored, assessment=replace(NEGATIVE, score=score), now=NOW)
        assert added is not None
        record = session.get(MentionRecord, added.id)
        cases.append(mentions.open_case(session=session, record=record, triage=NEGATIVE.triage, now=NOW).case_id)
    incident_id = incidents.open_incident(session=session, title="Billing", origin=IncidentOrigin.PERSON, opened_by="U0AGENT001", now=NOW)
    assert incident_id is not None
    incidents.add_cases(session=session, incident_id=incident_id, case_ids=cases, actor="U0AGENT001", now=NOW)
    quoted = incident_views.view(session=session, incident_id=incident_id, now=NOW).quotes
    assert [text.split()[0] for _, _, text, _ in quoted] == ["pat", "sam", "kim"]
    assert quoted[1] == (cases[30], "https://blog.example.com/q30", "sam says Acme charged twice (30)", "high")


def test_the_card_quotes_the_most_severe_first_however_negative_the_rest(session: Session) -> None:
    # A burst's cases have no cards of their own: a critical one must lead the incident's card.
    cases = []
    for n, (severity, score) in enumerate([(Severity.MEDIUM, 0.99), (Severity.CRITICAL, 0.55), (Severity.HIGH, 0.70), (Severity.LOW, 0.98)]):
        said = Mention(source_kind="rss", source_name="alerts", external_id=f"severe-{n}", url=f"https://blog.example.com/s{n}", title="", text=f"Acme {n}", author=f"a{n}")
        added = mentions.store_unless_stored(session=session, mention=said, assessment=replace(NEGATIVE, score=score), now=NOW)
        assert added is not None
        triage = replace(NEGATIVE.triage, severity=severity)
        cases.append(mentions.open_case(session=session, record=session.get(MentionRecord, added.id), triage=triage, now=NOW).case_id)
    incident_id = incidents.open_incident(session=session, title="Burst", origin=IncidentOrigin.BURST, opened_by="bot", now=NOW)
    assert incident_id is not None
    incidents.add_cases(session=session, incident_id=incident_id, case_ids=cases, actor="bot", now=NOW)
    quoted = incident_views.view(session=session, incident_id=incident_id, now=NOW).quotes
    assert [(case_id, severity) for case_id, _, _, severity in quoted] == [(cases[1], "critical"), (cases[2], "high"), (cases[0], "medium")]


def test_the_card_counts_each_case_once_by_its_first_mention_and_leaves_the_dismissed_out(session: Session) -> None:
    def stored(said: Mention, at: datetime) -> MentionRecord:
        added = mentions.store_unless_stored(session=session, mention=said, assessment=NEGATIVE, now=at)
        assert added is not None
        return session.get(MentionRecord, added.id)

    def case(n: int, source: str, topics: tuple[str, ...], ago: timedelta) -> int:
        said = Mention(source_kind="rss", source_name=source, external_id=f"count-{n}", url=f"https://blog.example.com/c{n}", title="", text=f"Acme {n}")
        return mentions.open_case(session=session, record=stored(said, NOW - ago), triage=replace(NEGATIVE.triage, topics=topics), now=NOW - ago).case_id

    cases = [
        case(1, "alerts", ("billing",), timedelta(hours=5)),
        case(2, "forum", ("app", "billing"), timedelta(minutes=30)),
        case(3, "alerts", ("app",), timedelta(0)),
        case(4, "reviews", ("login",), timedelta(hours=1)),
        case(5, "forum", (), timedelta(hours=13)),
    ]
    session.get(Case, cases[3]).status = CaseStatus.DISMISSED
    # A repost from another source joined the first case later: the case still counts once, for its first mention.
    stored(mention(9), NOW).case_id = cases[0]
    incident_id = incidents.open_incident(session=session, title="Billing", origin=IncidentOrigin.PERSON, opened_by="U0AGENT001", now=NOW)
    assert incident_id is not None
    incidents.add_cases(session=session, incident_id=incident_id, case_ids=cases, actor="U0AGENT001", now=NOW)
    view = incident_views.view(session=session, incident_id=incident_id, now=NOW)
    assert (view.complaints, view.dismissed) == (4, 1)
    # Equal counts: the one seen in the newest case first.
    assert view.sources == (("forum", 2), ("alerts", 2))
    assert view.topics == (("app", 2), ("billing", 2))
    assert (view.first_seen, view.last_seen) == (NOW - timedelta(hours=13), NOW)
    assert view.trend == (0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 2)
    assert [quoted[0] for quoted in view.quotes] == [cases[4], cases[2], cases[1]]
