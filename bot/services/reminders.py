"""What the minute-by-minute reminders find, and the conditional UPDATEs that make each reminder happen once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.db.models import Case, Incident
from bot.db.session import rows_changed
from bot.domain.enums import CaseStatus, IncidentStatus
from bot.domain.views import CaseView
from bot.services.views import case_view


@dataclass(frozen=True)
class Due:
    # Past their target in wall-clock time, an upper bound of working time: the caller checks working hours.
    unclaimed: list[CaseView]
    unresolved: list[CaseView]
    snooze_ended: list[int]
    follow_ups: list[int]


def _not_snoozed(now: datetime) -> ColumnElement[bool]:
    return (Case.snoozed_until.is_(None)) | (Case.snoozed_until <= now)


def _on_its_own() -> ColumnElement[bool]:
    closed = select(Incident.id).where(Incident.status == IncidentStatus.CLOSED)
    return or_(Case.incident_id.is_(None), Case.incident_id.in_(closed))


def due(*, session: Session, now: datetime, claim_target: timedelta, resolve_target: timedelta) -> Due:
    unclaimed = session.scalars(
        select(Case).where(
            Case.status == CaseStatus.OPEN,
            Case.claim_breach_notified_at.is_(None),
            # A case in an incident is nudged through the incident's own SLA (one reopened after it closed, again on its own).
            _on_its_own(),
            Case.detected_at <= now - claim_target,
            _not_snoozed(now),
        )
    )
    unresolved = session.scalars(
        select(Case).where(
            Case.status.in_((CaseStatus.CLAIMED, CaseStatus.ESCALATED)),
            Case.resolve_breach_notified_at.is_(None),
            _on_its_own(),
            Case.detected_at <= now - resolve_target,
            _not_snoozed(now),
        )
    )
    woke = session.scalars(select(Case.id).where(Case.snoozed_until.is_not(None), Case.snoozed_until <= now))
    follow_ups = session.scalars(select(Case.id).where(Case.follow_up_at <= now, Case.follow_up_sent_at.is_(None)))
    return Due([case_view(c) for c in unclaimed], [case_view(c) for c in unresolved], list(woke), list(follow_ups))


def _mark_once(session: Session, case_id: int, column: InstrumentedAttribute[datetime | None], now: datetime) -> bool:
    marked = rows_changed(session, update(Case).where(Case.id == case_id, column.is_(None)).values({column: now}))
    return marked == 1


def mark_claim_breach(*, session: Session, case_id: int, now: datetime) -> bool:
    """True for exactly one caller, however many replicas ask at once; False too if someone claimed it meanwhile."""
    marked = rows_changed(
        session,
        update(Case)
        .where(Case.id == case_id, Case.status == CaseStatus.OPEN, Case.claim_breach_notified_at.is_(None))
        .values(claim_breach_notified_at=now)
    )
    return marked == 1


def mark_resolve_breach(*, session: Session, case_id: int, now: datetime) -> bool:
    return _mark_once(session, case_id, Case.resolve_breach_notified_at, now)


def mark_follow_up_sent(*, session: Session, case_id: int, now: datetime) -> bool:
    return _mark_once(session, case_id, Case.follow_up_sent_at, now)


def end_snooze(*, session: Session, case_id: int, now: datetime) -> bool:
    woke = rows_changed(
        session,
        update(Case)
        .where(Case.id == case_id, Case.snoozed_until.is_not(None), Case.snoozed_until <= now)
        .values(snoozed_until=None, unsnoozed_at=now)
    )
    return woke == 1
