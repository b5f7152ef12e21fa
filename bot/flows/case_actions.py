"""A card's buttons, menu and modals: check who may, change the case in one unit of work, update Slack.

(The draft modal is bot/flows/drafting.py; publishing a draft, bot/flows/publish.py.)

Each change is one transition plus its outbox rows in one transaction; then that
case's outbox is drained so the card and its thread change at once (if Slack is
down, the outbox retries later). Refusals are raised and told by bot/flows/errors.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.domain.enums import DismissReason, RootCause, Severity
from bot.domain.outbox import DirectMessage, ThreadNote
from bot.domain.views import CaseView
from bot.flows import incidents as incident_flows
from bot.runtime import Runtime
from bot.services import cases, outbox
from bot.slack.permalinks import permalink
from bot.slack.permissions import Permission
from bot.telemetry import CASES_CLAIMED, CASES_RESOLVED
from message_blocks import modals, notes
from message_blocks.ids import MoreChoice

SNOOZES = {MoreChoice.SNOOZE_HOUR: timedelta(hours=1), MoreChoice.SNOOZE_DAY: timedelta(days=1)}
MORE_PERMISSIONS = {
    MoreChoice.NOT_A_COMPLAINT: Permission.DISMISS,
    MoreChoice.MUTE_AUTHOR: Permission.MUTE,
    MoreChoice.SNOOZE_HOUR: Permission.CLAIM,
    MoreChoice.SNOOZE_DAY: Permission.CLAIM,
    MoreChoice.REOPEN: Permission.REOPEN,
    MoreChoice.JOIN_INCIDENT: Permission.CLAIM,
    MoreChoice.LEAVE_INCIDENT: Permission.CLAIM,
}


def _note(session: Session, case_id: int, now: datetime, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
    outbox.enqueue(session=session, case_id=case_id, message=ThreadNote(text=text, blocks=blocks), at=now)


def claim(rt: Runtime, *, case_id: int, user_id: str) -> None:
    """Raises TransitionRefused (carrying who has it) when someone was faster."""
    rt.permissions.check(user_id, Permission.CLAIM)
    now = rt.clock()
    with rt.transaction() as session:
        case = cases.claim(session=session, case_id=case_id, user_id=user_id, now=now)
        _note(session, case_id, now, notes.claimed_note(case, user_id))
    CASES_CLAIMED.inc()
    rt.drainer.drain(case_id=case_id)


def _open_modal(
    rt: Runtime, *, case_id: int, user_id: str, trigger_id: str, permission: Permission, build: Callable[[CaseView], dict[str, Any]]
) -> None:
    rt.permissions.check(user_id, permission)
    with rt.transaction() as session:
        view = cases.get_view(session=session, case_id=case_id)
    rt.slack.views_open(trigger_id=trigger_id, view=build(view))


def open_reply_sent(rt: Runtime, *, case_id: int, user_id: str, trigger_id: str) -> None:
    _open_modal(rt, case_id=case_id, user_id=user_id, trigger_id=trigger_id, permission=Permission.DRAFT, build=modals.reply_sent_modal)


def record_reply_sent(rt: Runtime, *, case_id: int, user_id: str, url: str) -> None:
    rt.permissions.check(user_id, Permission.DRAFT)
    now = rt.clock()
    with rt.transaction() as session:
        case = cases.record_reply_sent(session=session, case_id=case_id, user_id=user_id, url=url, now=now)
        _note(session, case_id, now, notes.reply_sent_note(case, user_id, url))
    rt.drainer.drain(case_id=case_id)


def open_escalate(rt: Runtime, *, case_id: int, user_id: str, trigger_id: str) -> None:
    default_manager = rt.config.slack.managers[0] if rt.config.slack.managers else None
    _open_modal(
        rt, case_id=case_id, user_id=user_id, trigger_id=trigger_id, permission=Permission.ESCALATE,
        build=lambda view: modals.escalate_modal(view, default_manager),
    )


def escalate(rt: Runtime, *, case_id: int, user_id: str, manager_id: str, reason: str, severity: Severity) -> None:
    rt.permissions.check(user_id, Permission.ESCALATE)
    now = rt.clock()
    with rt.transaction() as session:
        case = cases.escalate(
            session=session, case_id=case_id, user_id=user_id, manager_id=manager_id, reason=reason, severity=severity, now=now
        )
        _note(session, case_id, now, notes.escalated_note(case, user_id, manager_id, severity, reason))
        if case.incident_id:  # the manager hears of it through the incident's one DM, not one per case
            incident_flows.escalate_in(session, incident_id=case.incident_id, user_id=user_id, manager_id=manager_id, reason=reason, now=now)
        else:
            outbox.enqueue(
                session=session,
                case_id=case_id,
                at=now,
                message=DirectMessage(
                    user=manager_id,
                    text=notes.escalated_to_you_text(case_id),
                    blocks=notes.escalation_dm(case, user_id, severity, reason, permalink(rt.slack, case.channel_id, case.message_ts)),
                ),
            )
    rt.drainer.drain(case_id=None if case.incident_id else case_id)


def _check_escalation_owner(rt: Runtime, case_id: int, user_id: str) -> None:
    with rt.transaction() as session:
        escalated_to = cases.escalated_to(session=session, case_id=case_id)
    rt.permissions.check(user_id, Permission.TAKE_OVER, escalated_to=escalated_to)


def acknowledge(rt: Runtime, *, case_id: int, manager_id: str, dm_channel: str, dm_ts: str) -> None:
    _answer_escalation(rt, case_id, manager_id, dm_channel, dm_ts, what="acknowledged", change=cases.acknowledge_escalation, note=notes.acknowledged_note)


def take_over(rt: Runtime, *, case_id: int, manager_id: str, dm_channel: str, dm_ts: str) -> None:
    _answer_escalation(rt, case_id, manager_id, dm_channel, dm_ts, what="took over", change=cases.take_over, note=notes.taken_over_note)


def _answer_escalation(
    rt: Runtime, case_id: int, manager_id: str, dm_channel: str, dm_ts: str, *,
    what: str, change: Callable[..., CaseView], note: Callable[[str], str],
) -> None:
    """The manager answered the escalation DM: change the case, note it in the card's thread, settle the DM's buttons."""
    _check_escalation_owner(rt, case_id, manager_id)
    now = rt.clock()
    with rt.transaction() as session:
        case = change(session=session, case_id=case_id, manager_id=manager_id, now=now)
        _note(session, case_id, now, note(manager_id))
    rt.slack.chat_update(
        channel=dm_channel, ts=dm_ts, text=notes.escalation_answered_text(case_id, what), blocks=notes.escalation_done(case, what, manager_id)
    )
    rt.drainer.drain(case_id=case_id)


def open_resolve(rt: Runtime, *, case_id: int, user_id: str, trigger_id: str) -> None:
    _open_modal(rt, case_id=case_id, user_id=user_id, trigger_id=trigger_id, permission=Permission.RESOLVE, build=modals.resolve_modal)


def resolve(rt: Runtime, *, case_id: int, user_id: str, resolution: str, root_cause: RootCause, follow_up_days: int | None) -> None:
    rt.permissions.check(user_id, Permission.RESOLVE)
    now = rt.clock()
    with rt.transaction() as session:
        case = cases.resolve(
            session=session,
            case_id=case_id,
            user_id=user_id,
            resolution=resolution,
            root_cause=root_cause,
            now=now,
            follow_up_at=now + timedelta(days=follow_up_days) if follow_up_days else None,
        )
        _note(session, case_id, now, notes.resolved_note(case, user_id))
    CASES_RESOLVED.inc()
    rt.drainer.drain(case_id=case_id)


def more(rt: Runtime, *, case_id: int, choice: MoreChoice, user_id: str) -> None:
    """The card's overflow menu: not a complaint, mute author, snooze, reopen, leave its incident ("Part of an incident…"
    opens a modal: bot/flows/incidents.py)."""
    rt.permissions.check(user_id, MORE_PERMISSIONS[choice])
    if choice is MoreChoice.LEAVE_INCIDENT:
        incident_flows.leave(rt, case_id=case_id, user_id=user_id)
        return
    now = rt.clock()
    in_incident = False
    with rt.transaction() as session:
        if choice is MoreChoice.NOT_A_COMPLAINT:
            cases.dismiss(session=session, case_id=case_id, user_id=user_id, reason=DismissReason.FALSE_POSITIVE, now=now)
            in_incident = incident_flows.case_dismissed(session, case_id=case_id, user_id=user_id, now=now)
            note = notes.dismissed_note(user_id)
        elif choice is MoreChoice.MUTE_AUTHOR:
            author = cases.get_view(session=session, case_id=case_id).author
            cases.mute_author(session=session, author=author, user_id=user_id, now=now)
            cases.record_author_muted(session=session, case_id=case_id, user_id=user_id, author=author, now=now)
            note = notes.muted_note(user_id, author)
        elif choice is MoreChoice.REOPEN:
            cases.reopen(session=session, case_id=case_id, user_id=user_id, now=now)
            note = notes.reopened_note(user_id)
        else:
            until = now + SNOOZES[choice]
            cases.snooze(session=session, case_id=case_id, user_id=user_id, until=until, now=now)
            note = notes.snoozed_note(user_id, until)
        _note(session, case_id, now, note)
    rt.drainer.drain(case_id=None if in_incident else case_id)
