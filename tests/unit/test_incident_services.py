"""Incident service functions called directly, each test inside one transaction that is rolled back at the end."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.domain.enums import DraftPurpose, IncidentOrigin
from bot.services import incident_follow_ups, incident_views, incidents
from tests.unit.test_services import NOW, open_case, session

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
