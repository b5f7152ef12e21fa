"""Incident state changes: each one conditional UPDATE plus a timeline row and its outbox rows, in the caller's transaction.

A case is in at most one incident: it is moved in by `UPDATE cases SET incident_id = N
WHERE incident_id IS NULL`, so two people moving the same case at once cannot both win.
An incident is only joined while it is open; the conditional UPDATE that checks this
also locks the incident's row (PostgreSQL), so a concurrent close waits for it or wins first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.db.models import Case, CaseEvent, Incident, IncidentEvent, MentionRecord
from bot.db.session import rows_changed
from bot.domain.enums import CaseStatus, IncidentOrigin, IncidentStatus, OutboxKind, RootCause
from bot.domain.outbox import IncidentDM, PostIncident, UpdateCard, UpdateIncident, UpdateIncidentDM
from bot.domain.refusals import Refusal
from bot.services.bulk import insert_all
from bot.services.outbox import enqueue, enqueue_all, enqueue_incident_card, enqueue_timeline, fold

# SQLite takes at most 32,766 bound parameters in a statement: a burst's cases are moved this many at a time.
CHUNK = 5000


class IncidentNotFound(Refusal, LookupError):
    def __init__(self, incident_id: int) -> None:
        super().__init__(f"There is no incident #{incident_id}.")


class IncidentRefused(Refusal):
    """The incident (or the case) is not in a state that allows this; the message says why and what to do instead."""


@dataclass(frozen=True)
class Moved:
    """What moving cases into an incident did: which joined, which were already in one (case id -> incident id), which do not exist."""

    added: list[int] = field(default_factory=list)
    elsewhere: dict[int, int] = field(default_factory=dict)
    missing: list[int] = field(default_factory=list)
    # Whom the moved cases' own urgent DMs (not sent yet, now folded into the incident) were for.
    folded_dms_for: list[str] = field(default_factory=list)


def get(*, session: Session, incident_id: int) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise IncidentNotFound(incident_id)
    return incident


def record(*, session: Session, incident_id: int, actor: str, action: str, at: datetime, **details: Any) -> None:
    session.add(IncidentEvent(incident_id=incident_id, actor=actor, action=action, at=at, details=details))


def changed(*, session: Session, incident_id: int, at: datetime, note: str | None = None, dm: bool = True) -> None:
    """Redraw the card (and the manager's DM, if there is one), with a note in the card's thread."""
    enqueue_incident_card(session=session, message=UpdateIncident(incident_id=incident_id), at=at)
    manager = session.scalar(select(Incident.escalated_to).where(Incident.id == incident_id)) if dm else None
    if manager:
        enqueue(session=session, case_id=None, message=UpdateIncidentDM(incident_id=incident_id, user=manager), at=at)
    if note:
        enqueue_timeline(session=session, incident_id=incident_id, text=note, at=at)


def open_incident(
    *, session: Session, title: str, origin: IncidentOrigin, opened_by: str, now: datetime, trigger_key: str | None = None
) -> int | None:
    """A new incident with its card queued; None if `trigger_key` already opened one (another replica was first)."""
    values = {"title": title[:200], "status": IncidentStatus.INVESTIGATING, "origin": origin, "trigger_key": trigger_key,
              "opened_by": opened_by, "opened_at": now}
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(Incident).values(**values).on_conflict_do_nothing().returning(Incident.id)
    incident_id = session.execute(statement).scalar()
    if incident_id is None:
        return None
    record(session=session, incident_id=incident_id, actor=opened_by, action="opened", at=now, origin=origin, title=title[:200])
    enqueue_incident_card(session=session, message=PostIncident(incident_id=incident_id), at=now)
    return incident_id


def _hold_open(session: Session, incident_id: int) -> None:
    """Lock the incident while this transaction moves cases into it; IncidentRefused unless it is open."""
    held = rows_changed(
        session,
        update(Incident).where(Incident.id == incident_id, Incident.status.in_(IncidentStatus.open())).values(status=Incident.status)
    )
    if held != 1:  # read back only to say why (as claim does)
        incident = get(session=session, incident_id=incident_id)
        session.refresh(incident)
        raise IncidentRefused(
            f"Incident #{incident_id} is {incident.status}: no case can join it any more. "
            f"If the problem is back, open a new incident (`/complaint incident new TITLE`). Nothing was changed."
        )


def add_cases(*, session: Session, incident_id: int, case_ids: Sequence[int], actor: str, now: datetime) -> Moved:
    """Move the cases that are in no incident into this one. Their own manager DMs still waiting are folded into the incident's."""
    _hold_open(session, incident_id)
    wanted = list(dict.fromkeys(case_ids))
    added: list[int] = []
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        moved = session.execute(
            update(Case).where(Case.id.in_(chunk), Case.incident_id.is_(None)).values(incident_id=incident_id).returning(Case.id),
            execution_options={"synchronize_session": False},
        )
        added += list(moved.scalars())
    taken = set(added)
    rest = [c for c in wanted if c not in taken]
    found = dict(session.execute(select(Case.id, Case.incident_id).where(Case.id.in_(rest))).all()) if rest else {}
    elsewhere = {c: i for c, i in found.items() if i is not None}
    missing = [c for c in rest if c not in found]
    if not added:
        return Moved([], elsewhere, missing)
    added.sort()
    _after_move(session, incident_id, added, actor, now, action="joined_incident")
    # Urgent-case DMs not yet taken by a drainer: the incident's one DM stands for them.
    dms = fold(session=session, case_ids=added, kinds=[OutboxKind.DM], reason=f"folded into incident #{incident_id}", now=now)
    folded = [user for _, payload in dms if (user := payload.get("user"))]
    record(session=session, incident_id=incident_id, actor=actor, action="cases_added", at=now, cases=added[:50], count=len(added))
    return Moved(added, elsewhere, missing, folded)


def _after_move(session: Session, incident_id: int | None, case_ids: list[int], actor: str, now: datetime, *, action: str) -> None:
    """A case-history row for each case moved (or resolved with the incident), and a redraw of each card already in the channel."""
    rows = [{"case_id": c, "actor": actor, "action": action, "at": now, "details": {"incident_id": incident_id}} for c in case_ids]
    insert_all(session=session, model=CaseEvent, rows=rows)
    posted: list[int] = []
    for start in range(0, len(case_ids), CHUNK):
        posted += session.scalars(select(Case.id).where(Case.id.in_(case_ids[start : start + CHUNK]), Case.message_ts.is_not(None)))
    # In bulk (a burst's cases can be thousands); the query above has flushed what was queued before, so the order holds.
    enqueue_all(session=session, messages=[(case_id, UpdateCard()) for case_id in posted], at=now)


def fold_cards(*, session: Session, incident_id: int, case_ids: Sequence[int], now: datetime) -> None:
    """The cards of these cases not yet taken by a drainer are not posted (with the notes for their threads): the
    incident's card stands for them. A case someone acts on later gets its card then (outbox.enqueue)."""
    reason = f"folded into incident #{incident_id}"
    unposted = [case_id for case_id, _ in fold(session=session, case_ids=case_ids, kinds=[OutboxKind.POST_CARD], reason=reason, now=now)]
    fold(session=session, case_ids=unposted, kinds=[OutboxKind.THREAD_NOTE, OutboxKind.UPDATE_CARD], reason=reason, now=now)


def remove_case(*, session: Session, case_id: int, actor: str, now: datetime) -> int:
    """Move the case out of its incident; returns the incident it left. IncidentRefused if it is in none."""
    current = session.scalar(select(Case.incident_id).where(Case.id == case_id))
    left = rows_changed(
        session,
        update(Case).where(Case.id == case_id, Case.incident_id == current).values(incident_id=None).execution_options(synchronize_session=False),
    )
    if current is None or left != 1:
        raise IncidentRefused(f"Case #{case_id} is not part of an incident.")
    _after_move(session, None, [case_id], actor, now, action="left_incident")
    record(session=session, incident_id=current, actor=actor, action="case_removed", at=now, case_id=case_id)
    return current


def claim(*, session: Session, incident_id: int, user_id: str, now: datetime) -> None:
    claimed = rows_changed(
        session,
        update(Incident)
        .where(Incident.id == incident_id, Incident.owner.is_(None), Incident.status != IncidentStatus.CLOSED)
        .values(owner=user_id, claimed_at=now)
    )
    incident = get(session=session, incident_id=incident_id)
    if claimed != 1:
        session.refresh(incident)
        who = f"<@{incident.owner}> already owns" if incident.owner else "Nobody can claim"
        raise IncidentRefused(f"{who} incident #{incident_id}" + ("." if incident.owner else f": it is {incident.status}."))
    record(session=session, incident_id=incident_id, actor=user_id, action="claimed", at=now)


def advance(*, session: Session, incident_id: int, to: IncidentStatus, user_id: str, now: datetime, check_in_days: int) -> None:
    """One step forward (investigating -> fixing -> fixed -> closed), from the step before it only: a second click is refused."""
    before = [s for s in IncidentStatus if s.next is to]
    values: dict[str, Any] = {"status": to}
    if to is IncidentStatus.FIXED:
        values |= {"fixed_at": now, "check_in_at": now + timedelta(days=check_in_days)}
    if to is IncidentStatus.CLOSED:
        values["closed_at"] = now
    # Closing may skip ahead (nothing more to do); every other step follows the one before it.
    allowed = list(IncidentStatus)[:-1] if to is IncidentStatus.CLOSED else before
    conditions = [Incident.id == incident_id, Incident.status.in_(allowed)]
    if to is IncidentStatus.FIXED:  # the follow-ups tell each complainant what was fixed
        conditions.append(func.trim(func.coalesce(Incident.root_cause, "")) != "")
    moved = rows_changed(session, update(Incident).where(*conditions).values(**values))
    if moved != 1:  # read back only to say why (as claim does)
        incident = get(session=session, incident_id=incident_id)
        session.refresh(incident)
        if incident.status in allowed:
            raise IncidentRefused(
                f"Write incident #{incident_id}'s root cause and fix first (*Root cause…* on its card): "
                "the follow-ups tell each complainant what was fixed. Nothing was changed."
            )
        raise IncidentRefused(f"Incident #{incident_id} is already {incident.status}; nothing was changed.")
    record(session=session, incident_id=incident_id, actor=user_id, action=str(to), at=now)


def resolve_cases(*, session: Session, incident_id: int, actor: str, now: datetime) -> list[int]:
    """The incident is closed: its cases still active are resolved with it (a systemic problem, its root-cause note)."""
    incident = get(session=session, incident_id=incident_id)
    resolution = f"Resolved with incident #{incident_id}" + (f": {incident.root_cause}" if incident.root_cause else ".")
    resolved = session.execute(
        update(Case)
        .where(Case.incident_id == incident_id, Case.status.in_(CaseStatus.active()))
        .values(status=CaseStatus.RESOLVED, resolved_at=now, resolution=resolution, root_cause=RootCause.SYSTEMIC, snoozed_until=None)
        .returning(Case.id).execution_options(synchronize_session=False),
    )
    case_ids = sorted(resolved.scalars())
    _after_move(session, incident_id, case_ids, actor, now, action="resolved")
    return case_ids


def set_root_cause(*, session: Session, incident_id: int, note: str, user_id: str, now: datetime) -> None:
    get(session=session, incident_id=incident_id).root_cause = note
    record(session=session, incident_id=incident_id, actor=user_id, action="root_cause", at=now, note=note[:500])


def escalate(*, session: Session, incident_id: int, manager_id: str, reason: str, actor: str, now: datetime) -> bool:
    """The manager's one DM about this incident: True if this call queued it, False if it exists (it is redrawn instead)."""
    first = rows_changed(
        session,
        update(Incident)
        .where(Incident.id == incident_id, Incident.escalated_to.is_(None))
        .values(escalated_to=manager_id, escalated_at=now, escalation_reason=reason)
    )
    if first == 1:
        record(session=session, incident_id=incident_id, actor=actor, action="escalated", at=now, manager=manager_id, reason=reason[:500])
        enqueue(session=session, case_id=None, message=IncidentDM(incident_id=incident_id, user=manager_id), at=now)
        return True
    manager = session.scalar(select(Incident.escalated_to).where(Incident.id == incident_id)) or manager_id
    enqueue(session=session, case_id=None, message=UpdateIncidentDM(incident_id=incident_id, user=manager), at=now)
    return False


def close_if_no_complaints(*, session: Session, incident_id: int, actor: str, now: datetime) -> bool:
    """Every case of the incident was marked not a complaint: it is closed (its cases stay linked, its timeline says why)."""
    left = session.scalar(
        select(func.count(Case.id)).where(Case.incident_id == incident_id, Case.status != CaseStatus.DISMISSED)
    )
    if left:
        return False
    closed = rows_changed(
        session,
        update(Incident).where(Incident.id == incident_id, Incident.status != IncidentStatus.CLOSED).values(status=IncidentStatus.CLOSED, closed_at=now)
    )
    if closed != 1:
        return False
    record(session=session, incident_id=incident_id, actor=actor, action="closed_no_complaints", at=now)
    return True


def incident_of(*, session: Session, case_id: int) -> int | None:
    return session.scalar(select(Case.incident_id).where(Case.id == case_id))


def open_by_trigger(*, session: Session, prefix: str) -> int | None:
    """The newest open incident a spike or burst opened under a trigger key starting with `prefix`."""
    query = select(Incident.id).where(Incident.trigger_key.startswith(prefix, autoescape=True), Incident.status.in_(IncidentStatus.open()))
    return session.scalar(query.order_by(Incident.id.desc()).limit(1))


def recent_unlinked(*, session: Session, since: datetime) -> list[tuple[int, list[str], str]]:
    """(case id, topics, source name) of active cases detected since `since` that are in no incident: what a spike may group."""
    source = select(func.min(MentionRecord.source_name)).where(MentionRecord.case_id == Case.id).scalar_subquery()
    rows = session.execute(
        select(Case.id, Case.topics, source).where(Case.detected_at >= since, Case.incident_id.is_(None), Case.status.in_(CaseStatus.active()))
    )
    return [(case_id, list(topics or []), name or "") for case_id, topics, name in rows]


def record_card(*, session: Session, incident_id: int, channel: str, ts: str) -> None:
    session.execute(update(Incident).where(Incident.id == incident_id).values(channel_id=channel, message_ts=ts))


def record_dm(*, session: Session, incident_id: int, channel: str, ts: str) -> None:
    session.execute(update(Incident).where(Incident.id == incident_id).values(dm_channel=channel, dm_ts=ts))
