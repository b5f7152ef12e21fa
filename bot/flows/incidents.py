"""Incidents by hand: a case made part of one (or taken out), the incident claimed, moved on, its root cause written, escalated.

Each change is one conditional UPDATE with its timeline row and outbox rows in one
transaction; then the outbox is drained, so the incident's card, its thread, the cases'
cards and the manager's one DM change at once (or are retried later if Slack is down).
Refusals are raised (IncidentRefused) and told by bot/flows/errors.py; nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.domain.enums import DraftPurpose, IncidentOrigin, IncidentStatus
from bot.domain.outbox import ThreadNote
from bot.domain.refusals import NotUnderstood
from bot.domain.views import IncidentView
from bot.flows.drafting import FOLLOW_UP_DAYS
from bot.flows.incident_loops import draft_follow_ups
from bot.runtime import Runtime
from bot.services import cases, incident_views, incidents, outbox
from bot.services.incidents import IncidentRefused, Moved
from bot.slack.permissions import Permission
from message_blocks import incident as texts
from message_blocks.incident_modals import MAX_CHOICES, incident_escalate_modal, join_incident_modal, root_cause_modal
from message_blocks.text import plural


def view(rt: Runtime, session: Session, incident_id: int) -> IncidentView:
    return incident_views.view(session=session, incident_id=incident_id, now=rt.clock())


def move_in(session: Session, incident_id: int, case_ids: list[int], actor: str, now: datetime) -> Moved:
    """Move the cases in, note it on both sides, redraw; severe cases' own DMs waiting to go become the incident's one DM."""
    moved = incidents.add_cases(session=session, incident_id=incident_id, case_ids=case_ids, actor=actor, now=now)
    if not moved.added:
        return moved
    if len(moved.added) <= 50:  # a burst's thousands of cards get no note each: their card says it
        for case_id in moved.added:
            outbox.enqueue(session=session, case_id=case_id, message=ThreadNote(text=texts.part_of_incident_note(incident_id, actor)), at=now)
    incidents.changed(session=session, incident_id=incident_id, at=now, note=texts.cases_added_note(actor, moved.added))
    if moved.folded_dms_for:
        reason = f"{plural(len(moved.folded_dms_for), 'severe complaint')} in this incident"
        if incidents.escalate(session=session, incident_id=incident_id, manager_id=moved.folded_dms_for[0], reason=reason, actor="bot", now=now):
            incidents.changed(session=session, incident_id=incident_id, at=now, note=texts.escalated_note("bot", moved.folded_dms_for[0]), dm=False)
    return moved


def refused_moves(moved: Moved, incident_id: int) -> str:
    """Why the cases that did not join were left where they were."""
    lines = [f"Case #{c} is already part of incident #{i}: take it out of that one first." for c, i in moved.elsewhere.items() if i != incident_id]
    lines += [f"Case #{c} is already part of incident #{incident_id}." for c, i in moved.elsewhere.items() if i == incident_id]
    lines += [f"There is no case #{c}." for c in moved.missing]
    return " ".join(lines)


def open_join(rt: Runtime, *, case_id: int, user_id: str, trigger_id: str) -> None:
    """The card's "Part of an incident…": a modal to pick an open incident or name a new one."""
    rt.permissions.check(user_id, Permission.CLAIM)
    with rt.transaction() as session:
        case = cases.get_view(session=session, case_id=case_id)
        choices = incident_views.open_choices(session=session, limit=MAX_CHOICES)
    if case.incident_id:
        raise IncidentRefused(f"Case #{case_id} is already part of incident #{case.incident_id}: take it out of that one first.")
    rt.slack.views_open(trigger_id=trigger_id, view=join_incident_modal(case, choices))


def open_with_note(
    session: Session, *, title: str, origin: IncidentOrigin, opened_by: str, why: str, now: datetime, trigger_key: str | None = None
) -> int | None:
    """A new incident, its card queued and its thread opened with why; None if `trigger_key` already opened one."""
    incident_id = incidents.open_incident(session=session, title=title, origin=origin, opened_by=opened_by, now=now, trigger_key=trigger_key)
    if incident_id is not None:
        outbox.enqueue_timeline(session=session, incident_id=incident_id, text=texts.opened_note(incident_id, why), at=now)
    return incident_id


def new_incident(session: Session, *, title: str, user_id: str, now: datetime) -> int:
    incident_id = open_with_note(session, title=title, origin=IncidentOrigin.PERSON, opened_by=user_id, why=f"by <@{user_id}>", now=now)
    assert incident_id is not None  # no trigger key: nothing to collide with
    return incident_id


def join(rt: Runtime, *, case_ids: list[int], user_id: str, incident_id: int | None, title: str = "") -> tuple[int, Moved]:
    """Move cases into an open incident, or into a new one titled `title`. Refused as a whole (nothing changes) if none can join."""
    rt.permissions.check(user_id, Permission.CLAIM)
    if incident_id is None and not title.strip():
        raise NotUnderstood("choose an open incident or name a new one")
    now = rt.clock()
    with rt.transaction() as session:
        if incident_id is None:
            incident_id = new_incident(session, title=title.strip(), user_id=user_id, now=now)
        moved = move_in(session, incident_id, case_ids, user_id, now)
        if not moved.added:
            raise IncidentRefused(refused_moves(moved, incident_id) + " Nothing was changed.")
    rt.drainer.drain()
    return incident_id, moved


def join_case(rt: Runtime, *, case_id: int, user_id: str, incident_id: int | None, title: str) -> None:
    """The card's "Part of an incident…" modal, submitted."""
    join(rt, case_ids=[case_id], user_id=user_id, incident_id=incident_id, title=title)


def create(rt: Runtime, *, title: str, user_id: str) -> int:
    """`/complaint incident new TITLE`: an incident with no case yet."""
    rt.permissions.check(user_id, Permission.CLAIM)
    with rt.transaction() as session:
        incident_id = new_incident(session, title=title, user_id=user_id, now=rt.clock())
    rt.drainer.drain()
    return incident_id


def leave(rt: Runtime, *, case_id: int, user_id: str) -> int:
    rt.permissions.check(user_id, Permission.CLAIM)
    now = rt.clock()
    with rt.transaction() as session:
        incident_id = incidents.remove_case(session=session, case_id=case_id, actor=user_id, now=now)
        outbox.enqueue(session=session, case_id=case_id, message=ThreadNote(text=texts.left_incident_note(incident_id, user_id)), at=now)
        incidents.changed(session=session, incident_id=incident_id, at=now, note=texts.case_removed_note(user_id, case_id))
    rt.drainer.drain()
    return incident_id


def claim(rt: Runtime, *, incident_id: int, user_id: str) -> None:
    rt.permissions.check(user_id, Permission.CLAIM)
    now = rt.clock()
    with rt.transaction() as session:
        incidents.claim(session=session, incident_id=incident_id, user_id=user_id, now=now)
        incidents.changed(session=session, incident_id=incident_id, at=now, note=texts.claimed_note(user_id))
    rt.drainer.drain()


def advance(rt: Runtime, *, incident_id: int, to: IncidentStatus, user_id: str) -> None:
    """investigating -> fixing -> fixed -> closed. Marked fixed, one follow-up per complainant is drafted in the thread;
    closed, its cases still active are resolved with it."""
    rt.permissions.check(user_id, Permission.RESOLVE)
    now = rt.clock()
    with rt.transaction() as session:
        incidents.advance(session=session, incident_id=incident_id, to=to, user_id=user_id, now=now, check_in_days=FOLLOW_UP_DAYS)
        incidents.changed(session=session, incident_id=incident_id, at=now, note=texts.status_note(user_id, to))
        if to is IncidentStatus.FIXED:
            draft_follow_ups(rt, session, incident_id=incident_id, purpose=DraftPurpose.INCIDENT_FIX, now=now)
        if to is IncidentStatus.CLOSED:  # fixed once: its cases are resolved with it
            incidents.resolve_cases(session=session, incident_id=incident_id, actor=user_id, now=now)
    rt.drainer.drain()


def close(rt: Runtime, *, incident_id: int, user_id: str) -> None:
    advance(rt, incident_id=incident_id, to=IncidentStatus.CLOSED, user_id=user_id)


def _open_modal(
    rt: Runtime, *, incident_id: int, user_id: str, trigger_id: str, permission: Permission, build: Callable[[IncidentView], dict[str, Any]]
) -> None:
    """A modal about the incident as it is now (as bot/flows/case_actions.py opens a case's)."""
    rt.permissions.check(user_id, permission)
    with rt.transaction() as session:
        shown = view(rt, session, incident_id)
    rt.slack.views_open(trigger_id=trigger_id, view=build(shown))


def open_root_cause(rt: Runtime, *, incident_id: int, user_id: str, trigger_id: str) -> None:
    _open_modal(rt, incident_id=incident_id, user_id=user_id, trigger_id=trigger_id, permission=Permission.RESOLVE, build=root_cause_modal)


def save_root_cause(rt: Runtime, *, incident_id: int, user_id: str, note: str) -> None:
    rt.permissions.check(user_id, Permission.RESOLVE)
    now = rt.clock()
    with rt.transaction() as session:
        incidents.set_root_cause(session=session, incident_id=incident_id, note=note, user_id=user_id, now=now)
        incidents.changed(session=session, incident_id=incident_id, at=now, note=texts.root_cause_note(user_id, note))
    rt.drainer.drain()


def open_escalate(rt: Runtime, *, incident_id: int, user_id: str, trigger_id: str) -> None:
    default_manager = rt.config.slack.managers[0] if rt.config.slack.managers else None
    _open_modal(
        rt, incident_id=incident_id, user_id=user_id, trigger_id=trigger_id, permission=Permission.ESCALATE,
        build=lambda shown: incident_escalate_modal(shown, default_manager),
    )


def escalate(rt: Runtime, *, incident_id: int, user_id: str, manager_id: str, reason: str) -> None:
    rt.permissions.check(user_id, Permission.ESCALATE)
    now = rt.clock()
    with rt.transaction() as session:
        escalate_in(session, incident_id=incident_id, user_id=user_id, manager_id=manager_id, reason=reason, now=now)
    rt.drainer.drain()


def escalate_in(session: Session, *, incident_id: int, user_id: str, manager_id: str, reason: str, now: datetime) -> None:
    """The first escalation sends the manager the incident's one DM; every later one (a case of it escalated) redraws that DM."""
    first = incidents.escalate(session=session, incident_id=incident_id, manager_id=manager_id, reason=reason, actor=user_id, now=now)
    note = texts.escalated_note(user_id, manager_id) if first else None
    # escalate() queued the DM, or its redraw: the change needs only the card's.
    incidents.changed(session=session, incident_id=incident_id, at=now, note=note, dm=False)


def case_dismissed(session: Session, *, case_id: int, user_id: str, now: datetime) -> bool:
    """A case marked not a complaint: its incident's count drops; with no complaint left the incident closes (and says why).
    False if the case is in no incident."""
    incident_id = incidents.incident_of(session=session, case_id=case_id)
    if incident_id is None:
        return False
    emptied = incidents.close_if_no_complaints(session=session, incident_id=incident_id, actor=user_id, now=now)
    incidents.changed(session=session, incident_id=incident_id, at=now, note=texts.no_complaints_note(user_id) if emptied else None)
    return True
