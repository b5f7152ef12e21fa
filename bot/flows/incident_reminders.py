"""An incident's own SLA and its check-in, run with the minute-by-minute reminders.

The cases in an incident raise no reminders of their own; the incident raises two: no owner
within [sla] claim_minutes of opening (a note in its thread), and not fixed within
[sla] resolve_hours (a DM to its owner, or the first manager). Each once: the conditional
UPDATE that marks it commits with its outbox rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.outbox import DirectMessage, IncidentNote
from bot.domain.sla import elapsed
from bot.flows.incident_loops import check_in
from bot.runtime import Runtime
from bot.services import incident_follow_ups, incident_views, incidents, outbox
from message_blocks import incident as texts
from message_blocks.blocks import section


@dataclass(frozen=True)
class IncidentNudges:
    unowned: int = 0
    unfixed: int = 0
    check_ins: int = 0

    @property
    def any(self) -> bool:
        return bool(self.unowned or self.unfixed or self.check_ins)


def _past(rt: Runtime, opened_at: datetime, target: timedelta, now: datetime) -> bool:
    sla = rt.config.sla
    return elapsed(opened_at, now, hours=sla.working_hours, days=sla.business_days, zone=rt.config.schedule.zone) >= target.total_seconds()


def incident_reminders(rt: Runtime, now: datetime) -> IncidentNudges:
    sla = rt.config.sla
    claim_target, fix_target = timedelta(minutes=sla.claim_minutes), timedelta(hours=sla.resolve_hours)
    with rt.transaction() as session:
        due = incident_views.due(session=session, now=now, claim_target=claim_target, fix_target=fix_target)
    unowned = sum(_unowned(rt, incident_id, claim_target, now) for incident_id in due.unowned)
    unfixed = sum(_unfixed(rt, incident_id, fix_target, now) for incident_id in due.unfixed)
    check_ins = sum(check_in(rt, incident_id=incident_id, now=now) for incident_id in due.check_ins)
    return IncidentNudges(unowned, unfixed, check_ins)


def _unowned(rt: Runtime, incident_id: int, target: timedelta, now: datetime) -> bool:
    with rt.transaction() as session:
        if not _past(rt, incidents.get(session=session, incident_id=incident_id).opened_at, target, now):
            return False
        if not incident_follow_ups.mark_once(session=session, incident_id=incident_id, what="claim_breach", now=now):
            return False
        incidents.record(session=session, incident_id=incident_id, actor="bot", action="sla_claim_breached", at=now)
        note = IncidentNote(incident_id=incident_id, text=texts.unowned_note(rt.config.sla.claim_minutes))
        outbox.enqueue(session=session, case_id=None, message=note, at=now)
    return True


def _unfixed(rt: Runtime, incident_id: int, target: timedelta, now: datetime) -> bool:
    with rt.transaction() as session:
        view = incident_views.view(session=session, incident_id=incident_id, now=now)
        if not _past(rt, view.opened_at, target, now):
            return False
        if not incident_follow_ups.mark_once(session=session, incident_id=incident_id, what="fix_breach", now=now):
            return False
        incidents.record(session=session, incident_id=incident_id, actor="bot", action="sla_fix_breached", at=now)
        who = view.owner or (rt.config.slack.managers[0] if rt.config.slack.managers else None)
        text = texts.unfixed_text(view, rt.config.sla.resolve_hours)
        outbox.enqueue(session=session, case_id=None, message=IncidentNote(incident_id=incident_id, text=text), at=now)
        if who:
            outbox.enqueue(session=session, case_id=None, message=DirectMessage(user=who, text=text, blocks=[section(text)]), at=now)
    return True
