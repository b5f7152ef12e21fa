"""Case state transitions: each one conditional UPDATE plus one event row, in the caller's transaction.

Transitions return the case as a view (plain data, usable after the session closes).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.db.models import Case, MutedAuthor
from bot.domain.enums import CaseStatus, DismissReason, RootCause, Severity
from bot.domain.outbox import UpdateCard
from bot.domain.relevance import author_key
from bot.domain.views import CaseView
from bot.services.events import record_event
from bot.services.outbox import enqueue
from bot.services.views import case_view


class CaseNotFound(LookupError):
    def __init__(self, case_id: int) -> None:
        super().__init__(f"There is no case #{case_id}.")
        self.case_id = case_id


class TransitionRefused(Exception):
    """The case is not in a state that allows `action`; `case` is its current state (usable after rollback)."""

    def __init__(self, case: CaseView, action: str) -> None:
        super().__init__(f"case #{case.case_id} is {case.status}: cannot {action}")
        self.case = case
        self.action = action


def get_case(*, session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise CaseNotFound(case_id)
    return case


def get_view(*, session: Session, case_id: int) -> CaseView:
    return case_view(get_case(session=session, case_id=case_id))


def _transition(
    *, session: Session, case_id: int, action: str, allowed_from: tuple[CaseStatus, ...], values: dict[str, Any]
) -> Case:
    result = session.execute(
        update(Case).where(Case.id == case_id, Case.status.in_(allowed_from)).values(**values)
    )
    case = get_case(session=session, case_id=case_id)
    session.refresh(case)
    if result.rowcount != 1:
        raise TransitionRefused(case_view(case), action)
    return case


def _changed(*, session: Session, case: Case, actor: str, action: str, at: datetime, **details: Any) -> CaseView:
    record_event(session=session, case_id=case.id, actor=actor, action=action, at=at, **details)
    enqueue(session=session, case_id=case.id, message=UpdateCard(), at=at)
    return case_view(case)


def claim(*, session: Session, case_id: int, user_id: str, now: datetime) -> CaseView:
    case = _transition(
        session=session,
        case_id=case_id,
        action="claim",
        allowed_from=(CaseStatus.OPEN,),
        values={"status": CaseStatus.CLAIMED, "assignee": user_id, "claimed_at": now},
    )
    return _changed(session=session, case=case, actor=user_id, action="claimed", at=now)


def save_draft(*, session: Session, case_id: int, user_id: str, draft: str, tone: str, now: datetime) -> CaseView:
    case = _transition(
        session=session,
        case_id=case_id,
        action="draft",
        allowed_from=CaseStatus.active(),
        values={"draft_text": draft},
    )
    return _changed(session=session, case=case, actor=user_id, action="draft_saved", at=now, tone=tone, length=len(draft))


def record_reply_sent(*, session: Session, case_id: int, user_id: str, url: str, now: datetime) -> CaseView:
    case = get_case(session=session, case_id=case_id)
    # First response is the first reply only: later replies must not move it.
    session.execute(
        update(Case).where(Case.id == case_id, Case.first_response_at.is_(None)).values(first_response_at=now)
    )
    case.reply_url = url
    session.flush()
    session.refresh(case)
    return _changed(session=session, case=case, actor=user_id, action="reply_sent", at=now, url=url)


def escalate(
    *, session: Session, case_id: int, user_id: str, manager_id: str, reason: str, severity: Severity, now: datetime
) -> CaseView:
    case = _transition(
        session=session,
        case_id=case_id,
        action="escalate",
        allowed_from=(CaseStatus.OPEN, CaseStatus.CLAIMED),
        values={
            "status": CaseStatus.ESCALATED,
            "escalated_to": manager_id,
            "escalated_at": now,
            "escalation_reason": reason,
            "severity": severity,
        },
    )
    return _changed(
        session=session, case=case, actor=user_id, action="escalated", at=now, manager=manager_id, reason=reason, severity=severity
    )


def escalated_to(*, session: Session, case_id: int) -> str | None:
    return get_case(session=session, case_id=case_id).escalated_to


def acknowledge_escalation(*, session: Session, case_id: int, manager_id: str, now: datetime) -> CaseView:
    case = get_case(session=session, case_id=case_id)
    record_event(session=session, case_id=case_id, actor=manager_id, action="escalation_acknowledged", at=now)
    return case_view(case)


def take_over(*, session: Session, case_id: int, manager_id: str, now: datetime) -> CaseView:
    case = _transition(
        session=session,
        case_id=case_id,
        action="take_over",
        allowed_from=(CaseStatus.ESCALATED,),
        values={"assignee": manager_id},
    )
    if case.claimed_at is None:
        case.claimed_at = now
    return _changed(session=session, case=case, actor=manager_id, action="taken_over", at=now)


def resolve(
    *,
    session: Session,
    case_id: int,
    user_id: str,
    resolution: str,
    root_cause: RootCause,
    now: datetime,
    follow_up_at: datetime | None = None,
) -> CaseView:
    case = _transition(
        session=session,
        case_id=case_id,
        action="resolve",
        allowed_from=CaseStatus.active(),
        values={
            "status": CaseStatus.RESOLVED,
            "resolved_at": now,
            "resolution": resolution,
            "root_cause": root_cause,
            "snoozed_until": None,
            "follow_up_at": follow_up_at,
            "follow_up_user": user_id if follow_up_at else None,
            "follow_up_sent_at": None,
        },
    )
    return _changed(
        session=session, case=case, actor=user_id, action="resolved", at=now, root_cause=root_cause, resolution=resolution
    )


def dismiss(*, session: Session, case_id: int, user_id: str, reason: DismissReason, now: datetime) -> CaseView:
    """Not a complaint: closed, and kept as a labelled example of a false alarm (or a troll)."""
    case = _transition(
        session=session,
        case_id=case_id,
        action="dismiss",
        allowed_from=CaseStatus.active(),
        values={"status": CaseStatus.DISMISSED, "dismissed_reason": reason, "resolved_at": now, "snoozed_until": None},
    )
    return _changed(session=session, case=case, actor=user_id, action="dismissed", at=now, reason=reason)


def reopen(*, session: Session, case_id: int, user_id: str, now: datetime) -> CaseView:
    case = _transition(
        session=session,
        case_id=case_id,
        action="reopen",
        allowed_from=CaseStatus.closed(),
        values={
            "status": CaseStatus.OPEN,
            "assignee": None,
            "claimed_at": None,
            "resolved_at": None,
            "resolution": None,
            "root_cause": None,
            "dismissed_reason": None,
            "claim_breach_notified_at": None,
            "resolve_breach_notified_at": None,
        },
    )
    return _changed(session=session, case=case, actor=user_id, action="reopened", at=now)


def snooze(*, session: Session, case_id: int, user_id: str, until: datetime, now: datetime) -> CaseView:
    case = _transition(
        session=session,
        case_id=case_id,
        action="snooze",
        allowed_from=CaseStatus.active(),
        values={"snoozed_until": until},
    )
    return _changed(session=session, case=case, actor=user_id, action="snoozed", at=now, until=until.isoformat())


def mute_author(*, session: Session, author: str, user_id: str, now: datetime) -> bool:
    """Future mentions by `author` are dropped. False if they were muted already."""
    key = author_key(author)
    if not key:
        raise ValueError("an author name is needed")
    if session.get(MutedAuthor, key) is not None:
        return False
    session.add(MutedAuthor(author=key, muted_by=user_id, muted_at=now))
    session.flush()
    return True


def record_author_muted(*, session: Session, case_id: int, user_id: str, author: str, now: datetime) -> None:
    record_event(session=session, case_id=case_id, actor=user_id, action="author_muted", at=now, author=author)


def unmute_author(*, session: Session, author: str) -> bool:
    muted = session.get(MutedAuthor, author_key(author))
    if muted is None:
        return False
    session.delete(muted)
    return True
