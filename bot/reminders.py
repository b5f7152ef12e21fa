"""Time-driven nudges, run every minute: SLA breaches, snoozes that ended, follow-ups that are due.

Each is announced once: the conditional UPDATE that marks it (…_notified_at IS NULL)
is in the same transaction as its outbox rows, so replicas and restarts cannot repeat it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db.models import Case, CaseStatus
from bot.db.session import session_scope
from bot.runtime import Runtime
from bot.services import cases
from bot.services.views import case_view
from bot.sla import elapsed
from message_blocks import reminders as texts

log = logging.getLogger(__name__)


@dataclass
class ReminderReport:
    claim_breaches: int = 0
    resolve_breaches: int = 0
    unsnoozed: int = 0
    follow_ups: int = 0


def _not_snoozed(now: datetime):  # type: ignore[no-untyped-def]
    return (Case.snoozed_until.is_(None)) | (Case.snoozed_until <= now)


def _mark_once(session: Session, case_id: int, column, now: datetime) -> bool:  # type: ignore[no-untyped-def]
    marked = session.execute(update(Case).where(Case.id == case_id, column.is_(None)).values({column: now}))
    return marked.rowcount == 1


def _past(rt: Runtime, case: Case, target: timedelta, now: datetime) -> bool:
    sla, zone = rt.config.sla, rt.config.schedule.zone
    return elapsed(case.detected_at, now, hours=sla.working_hours, days=sla.business_days, zone=zone) >= target.total_seconds()


def run_reminders(rt: Runtime) -> ReminderReport:
    now = rt.clock()
    report = ReminderReport()
    claim_target = timedelta(minutes=rt.config.sla.claim_minutes)
    resolve_target = timedelta(hours=rt.config.sla.resolve_hours)
    with session_scope(rt.sessions) as session:
        unclaimed = session.scalars(
            select(Case).where(
                Case.status == CaseStatus.OPEN,
                Case.claim_breach_notified_at.is_(None),
                Case.detected_at <= now - claim_target,  # wall-clock time is an upper bound of working time
                _not_snoozed(now),
            )
        ).all()
        stale = session.scalars(
            select(Case).where(
                Case.status.in_((CaseStatus.CLAIMED, CaseStatus.ESCALATED)),
                Case.resolve_breach_notified_at.is_(None),
                Case.detected_at <= now - resolve_target,
                _not_snoozed(now),
            )
        ).all()
        woke = session.scalars(select(Case).where(Case.snoozed_until.is_not(None), Case.snoozed_until <= now)).all()
        due = session.scalars(select(Case).where(Case.follow_up_at <= now, Case.follow_up_sent_at.is_(None))).all()
        unclaimed_ids = [c.id for c in unclaimed if _past(rt, c, claim_target, now)]
        stale_ids = [c.id for c in stale if _past(rt, c, resolve_target, now)]
        woke_ids, due_ids = [c.id for c in woke], [c.id for c in due]
    for case_id in unclaimed_ids:
        report.claim_breaches += _claim_breach(rt, case_id, now)
    for case_id in stale_ids:
        report.resolve_breaches += _resolve_breach(rt, case_id, now)
    for case_id in woke_ids:
        report.unsnoozed += _unsnooze(rt, case_id, now)
    for case_id in due_ids:
        report.follow_ups += _follow_up(rt, case_id, now)
    if report.claim_breaches or report.resolve_breaches or report.unsnoozed or report.follow_ups:
        rt.drainer.drain()
    return report


def _claim_breach(rt: Runtime, case_id: int, now: datetime) -> bool:
    managers = rt.config.slack.managers
    with session_scope(rt.sessions) as session:
        if not _mark_once(session, case_id, Case.claim_breach_notified_at, now):
            return False
        view = case_view(cases.get_case(session=session, case_id=case_id))
        cases.record_event(session=session, case_id=case_id, actor="bot", action="sla_claim_breached", at=now)
        cases.enqueue(
            session=session, case_id=case_id, kind="channel_message", at=now,
            text=texts.unclaimed_text(view), blocks=texts.unclaimed_blocks(view, rt.config.sla.claim_minutes, _link(rt, view.case_id, session)),
        )
        if rt.config.sla.auto_escalate and managers:
            reason = f"Unclaimed for more than {rt.config.sla.claim_minutes} minutes"
            try:
                escalated = cases.escalate(
                    session=session, case_id=case_id, user_id="bot", manager_id=managers[0], reason=reason,
                    severity=view.severity if view.severity in cases.SEVERITIES else "medium", now=now,
                )
            except cases.TransitionRefused:
                return True
            cases.enqueue(session=session, case_id=case_id, kind="dm", at=now, user=managers[0],
                          text=f"Case #{case_id} was escalated to you: nobody claimed it in time.",
                          blocks=texts.auto_escalated_dm(case_view(escalated), reason))
    return True


def _resolve_breach(rt: Runtime, case_id: int, now: datetime) -> bool:
    with session_scope(rt.sessions) as session:
        if not _mark_once(session, case_id, Case.resolve_breach_notified_at, now):
            return False
        case = cases.get_case(session=session, case_id=case_id)
        owner = case.assignee or case.escalated_to
        cases.record_event(session=session, case_id=case_id, actor="bot", action="sla_resolve_breached", at=now, owner=owner)
        if owner:
            view = case_view(case)
            cases.enqueue(session=session, case_id=case_id, kind="dm", at=now, user=owner, text=texts.nudge_text(view),
                          blocks=texts.nudge_blocks(view, rt.config.sla.resolve_hours, _link(rt, case_id, session)))
    return True


def _unsnooze(rt: Runtime, case_id: int, now: datetime) -> bool:
    with session_scope(rt.sessions) as session:
        woke = session.execute(
            update(Case).where(Case.id == case_id, Case.snoozed_until.is_not(None), Case.snoozed_until <= now)
            .values(snoozed_until=None, unsnoozed_at=now)
        )
        if woke.rowcount != 1:
            return False
        view = case_view(cases.get_case(session=session, case_id=case_id))
        cases.record_event(session=session, case_id=case_id, actor="bot", action="snooze_ended", at=now)
        cases.enqueue(session=session, case_id=case_id, kind="update_card", at=now)
        if view.status in ("open", "claimed", "escalated"):
            cases.enqueue(session=session, case_id=case_id, kind="channel_message", at=now, text=texts.unsnoozed_text(view),
                          blocks=texts.unsnoozed_blocks(view, _link(rt, case_id, session)))
    return True


def _follow_up(rt: Runtime, case_id: int, now: datetime) -> bool:
    with session_scope(rt.sessions) as session:
        if not _mark_once(session, case_id, Case.follow_up_sent_at, now):
            return False
        case = cases.get_case(session=session, case_id=case_id)
        if case.follow_up_user:
            view = case_view(case)
            cases.enqueue(session=session, case_id=case_id, kind="dm", at=now, user=case.follow_up_user,
                          text=texts.follow_up_text(view), blocks=texts.follow_up_blocks(view, _link(rt, case_id, session)))
        cases.record_event(session=session, case_id=case_id, actor="bot", action="follow_up_sent", at=now)
    return True


def _link(rt: Runtime, case_id: int, session: Session) -> str | None:
    """Where the card is: an app_redirect link opens the channel at the message."""
    case = cases.get_case(session=session, case_id=case_id)
    if not case.channel_id or not case.message_ts:
        return None
    return f"https://slack.com/app_redirect?channel={case.channel_id}&message_ts={case.message_ts}"
