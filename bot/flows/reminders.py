"""Time-driven nudges, run every minute: SLA breaches, snoozes that ended, follow-ups that are due.

Each is announced once: the conditional UPDATE that marks it (…_notified_at IS NULL)
is in the same transaction as its outbox rows, so replicas and restarts cannot repeat it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.domain.enums import CaseStatus, Severity
from bot.domain.outbox import ChannelMessage, DirectMessage, ThreadNote, UpdateCard
from bot.domain.sla import elapsed
from bot.domain.views import CaseView
from bot.flows.drafting import follow_up_check_in
from bot.flows.incident_reminders import IncidentNudges, incident_reminders
from bot.runtime import Runtime
from bot.services import cases, outbox
from bot.services import reminders as due_reminders
from bot.services.events import record_event
from message_blocks import reminders as texts

log = logging.getLogger(__name__)


@dataclass
class ReminderReport:
    claim_breaches: int = 0
    resolve_breaches: int = 0
    unsnoozed: int = 0
    follow_ups: int = 0
    incidents: IncidentNudges = field(default_factory=IncidentNudges)


def _past(rt: Runtime, case: CaseView, target: timedelta, now: datetime) -> bool:
    sla, zone = rt.config.sla, rt.config.schedule.zone
    return elapsed(case.detected_at, now, hours=sla.working_hours, days=sla.business_days, zone=zone) >= target.total_seconds()


def run_reminders(rt: Runtime) -> ReminderReport:
    now = rt.clock()
    report = ReminderReport()
    claim_target = timedelta(minutes=rt.config.sla.claim_minutes)
    resolve_target = timedelta(hours=rt.config.sla.resolve_hours)
    with rt.transaction() as session:
        due = due_reminders.due(session=session, now=now, claim_target=claim_target, resolve_target=resolve_target)
    report.claim_breaches = _claim_breaches(rt, [case.case_id for case in due.unclaimed if _past(rt, case, claim_target, now)], now)
    for case in due.unresolved:
        report.resolve_breaches += _past(rt, case, resolve_target, now) and _resolve_breach(rt, case.case_id, now)
    report.unsnoozed = _snoozes_ended(rt, due.snooze_ended, now)
    for case_id in due.follow_ups:
        report.follow_ups += _follow_up(rt, case_id, now)
    report.incidents = incident_reminders(rt, now)
    if report.claim_breaches or report.resolve_breaches or report.unsnoozed or report.follow_ups or report.incidents.any:
        rt.drainer.drain()
    return report


def _claim_breaches(rt: Runtime, case_ids: list[int], now: datetime) -> int:
    """A note in each card's thread and one channel message for them all, however many went overdue at once."""
    if not case_ids:
        return 0
    managers, minutes = rt.config.slack.managers, rt.config.sla.claim_minutes
    breached: list[CaseView] = []
    with rt.transaction() as session:
        for case_id in case_ids:
            if not due_reminders.mark_claim_breach(session=session, case_id=case_id, now=now):
                continue
            view = cases.get_view(session=session, case_id=case_id)
            record_event(session=session, case_id=case_id, actor="bot", action="sla_claim_breached", at=now)
            outbox.enqueue(session=session, case_id=case_id, message=ThreadNote(text=texts.unclaimed_note(minutes)), at=now)
            if rt.config.sla.auto_escalate and managers:
                reason = texts.auto_escalation_reason(minutes)
                escalated = cases.escalate(
                    session=session, case_id=case_id, user_id="bot", manager_id=managers[0], reason=reason,
                    severity=Severity.parse(view.severity, default=Severity.MEDIUM), now=now,
                )
                dm = DirectMessage(user=managers[0], text=texts.auto_escalated_text(case_id), blocks=texts.auto_escalated_dm(escalated, reason))
                outbox.enqueue(session=session, case_id=case_id, message=dm, at=now)
            breached.append(view)
        if breached:
            listed = ChannelMessage(text=texts.unclaimed_text(breached), blocks=texts.unclaimed_blocks(breached, minutes))
            outbox.enqueue(session=session, case_id=None, message=listed, at=now)
    return len(breached)


def _resolve_breach(rt: Runtime, case_id: int, now: datetime) -> bool:
    with rt.transaction() as session:
        if not due_reminders.mark_resolve_breach(session=session, case_id=case_id, now=now):
            return False
        view = cases.get_view(session=session, case_id=case_id)
        owner = view.assignee or view.escalated_to
        record_event(session=session, case_id=case_id, actor="bot", action="sla_resolve_breached", at=now, owner=owner)
        if owner:
            nudge = DirectMessage(user=owner, text=texts.nudge_text(view), blocks=texts.nudge_blocks(view, rt.config.sla.resolve_hours, texts.card_url(view)))
            outbox.enqueue(session=session, case_id=case_id, message=nudge, at=now)
    return True


def _snoozes_ended(rt: Runtime, case_ids: list[int], now: datetime) -> int:
    """Each card re-rendered with a note in its thread, and one channel message for the active ones, however many
    snoozes ended at once."""
    if not case_ids:
        return 0
    ended = 0
    back: list[CaseView] = []
    with rt.transaction() as session:
        for case_id in case_ids:
            if not due_reminders.end_snooze(session=session, case_id=case_id, now=now):
                continue
            ended += 1
            view = cases.get_view(session=session, case_id=case_id)
            record_event(session=session, case_id=case_id, actor="bot", action="snooze_ended", at=now)
            outbox.enqueue(session=session, case_id=case_id, message=UpdateCard(), at=now)
            if view.status in CaseStatus.active():
                outbox.enqueue(session=session, case_id=case_id, message=ThreadNote(text=texts.unsnoozed_note()), at=now)
                back.append(view)
        if back:
            listed = ChannelMessage(text=texts.unsnoozed_text(back), blocks=texts.unsnoozed_blocks(back))
            outbox.enqueue(session=session, case_id=None, message=listed, at=now)
    return ended


def _follow_up(rt: Runtime, case_id: int, now: datetime) -> bool:
    with rt.transaction() as session:
        if not due_reminders.mark_follow_up_sent(session=session, case_id=case_id, now=now):
            return False
        view = cases.get_view(session=session, case_id=case_id)
        check_in = follow_up_check_in(rt, session=session, case=view, now=now)
        if view.follow_up_user:
            blocks = texts.follow_up_blocks(view, texts.card_url(view)) + check_in
            dm = DirectMessage(user=view.follow_up_user, text=texts.follow_up_text(view), blocks=blocks)
            outbox.enqueue(session=session, case_id=case_id, message=dm, at=now)
        record_event(session=session, case_id=case_id, actor="bot", action="follow_up_sent", at=now)
    return True
