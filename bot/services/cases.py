"""Case state transitions: each one conditional UPDATE plus one event row, in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.db.models import Case, CaseEvent, CaseStatus, MutedAuthor, OutboxMessage
from bot.relevance import author_key
from bot.services.views import case_view
from message_blocks.views import CaseView

ACTIVE = (CaseStatus.OPEN, CaseStatus.CLAIMED, CaseStatus.ESCALATED)
ROOT_CAUSES = ("isolated", "systemic", "not_actionable", "troll")
SEVERITIES = ("low", "medium", "high", "critical")


class CaseNotFound(LookupError):
    def __init__(self, case_id: int) -> None:
        super().__init__(f"There is no case #{case_id}.")
        self.case_id = case_id


class TransitionRefused(Exception):
    """The case is not in a state that allows this; `case` is its current state (usable after rollback)."""

    def __init__(self, case: CaseView, message: str) -> None:
        super().__init__(message)
        self.case = case


def get_case(*, session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise CaseNotFound(case_id)
    return case


def record_event(*, session: Session, case_id: int, actor: str, action: str, at: datetime, **details: Any) -> None:
    session.add(CaseEvent(case_id=case_id, actor=actor, action=action, at=at, details=details))


def enqueue(*, session: Session, case_id: int | None, kind: str, at: datetime, **payload: Any) -> None:
    session.add(OutboxMessage(case_id=case_id, kind=kind, payload=payload, created_at=at, not_before=at))


def _transition(
    *, session: Session, case_id: int, allowed_from: tuple[str, ...], refusal: str, values: dict[str, Any]
) -> Case:
    result = session.execute(
        update(Case).where(Case.id == case_id, Case.status.in_(allowed_from)).values(**values)
    )
    case = get_case(session=session, case_id=case_id)
    session.refresh(case)
    if result.rowcount != 1:
        raise TransitionRefused(case_view(case), refusal.format(id=case_id, status=case.status))
    return case


def _changed(*, session: Session, case: Case, actor: str, action: str, at: datetime, **details: Any) -> Case:
    record_event(session=session, case_id=case.id, actor=actor, action=action, at=at, **details)
    enqueue(session=session, case_id=case.id, kind="update_card", at=at)
    return case


def claim(*, session: Session, case_id: int, user_id: str, now: datetime) -> Case:
    case = _transition(
        session=session,
        case_id=case_id,
        allowed_from=(CaseStatus.OPEN,),
        refusal="Case #{id} is {status}.",
        values={"status": CaseStatus.CLAIMED, "assignee": user_id, "claimed_at": now},
    )
    return _changed(session=session, case=case, actor=user_id, action="claimed", at=now)


def save_draft(*, session: Session, case_id: int, user_id: str, draft: str, tone: str, now: datetime) -> Case:
    case = _transition(
        session=session,
        case_id=case_id,
        allowed_from=ACTIVE,
        refusal="Case #{id} is {status}; reopen it before drafting.",
        values={"draft_text": draft},
    )
    return _changed(session=session, case=case, actor=user_id, action="draft_saved", at=now, tone=tone, length=len(draft))


def record_reply_sent(*, session: Session, case_id: int, user_id: str, url: str, now: datetime) -> Case:
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
    *, session: Session, case_id: int, user_id: str, manager_id: str, reason: str, severity: str, now: datetime
) -> Case:
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}")
    case = _transition(
        session=session,
        case_id=case_id,
        allowed_from=(CaseStatus.OPEN, CaseStatus.CLAIMED),
        refusal="Case #{id} is {status} and cannot be escalated.",
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


def acknowledge_escalation(*, session: Session, case_id: int, manager_id: str, now: datetime) -> Case:
    case = get_case(session=session, case_id=case_id)
    record_event(session=session, case_id=case_id, actor=manager_id, action="escalation_acknowledged", at=now)
    return case


def take_over(*, session: Session, case_id: int, manager_id: str, now: datetime) -> Case:
    case = _transition(
        session=session,
        case_id=case_id,
        allowed_from=(CaseStatus.ESCALATED,),
        refusal="Case #{id} is {status}; only an escalated case can be taken over.",
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
    root_cause: str,
    now: datetime,
    follow_up_at: datetime | None = None,
) -> Case:
    if root_cause not in ROOT_CAUSES:
        raise ValueError(f"unknown root cause {root_cause!r}")
    case = _transition(
        session=session,
        case_id=case_id,
        allowed_from=ACTIVE,
        refusal="Case #{id} is already {status}.",
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


def dismiss(*, session: Session, case_id: int, user_id: str, reason: str, now: datetime) -> Case:
    """Not a complaint: closed, and kept as a labelled example of a false alarm (or a troll)."""
    case = _transition(
        session=session,
        case_id=case_id,
        allowed_from=ACTIVE,
        refusal="Case #{id} is already {status}.",
        values={"status": CaseStatus.DISMISSED, "dismissed_reason": reason, "resolved_at": now, "snoozed_until": None},
    )
    return _changed(session=session, case=case, actor=user_id, action="dismissed", at=now, reason=reason)


def reopen(*, session: Session, case_id: int, user_id: str, now: datetime) -> Case:
    case = _transition(
        session=session,
        case_id=case_id,
        allowed_from=(CaseStatus.RESOLVED, CaseStatus.DISMISSED),
        refusal="Case #{id} is {status}, not closed.",
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


def snooze(*, session: Session, case_id: int, user_id: str, until: datetime, now: datetime) -> Case:
    case = _transition(
        session=session,
        case_id=case_id,
        allowed_from=ACTIVE,
        refusal="Case #{id} is {status}; only an active case can be snoozed.",
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


def unmute_author(*, session: Session, author: str) -> bool:
    muted = session.get(MutedAuthor, author_key(author))
    if muted is None:
        return False
    session.delete(muted)
    return True
