"""Closing every loop of an incident: one drafted follow-up per complainant, published or replied to by hand, each once.

Drafts are inserted with ON CONFLICT DO NOTHING on (incident, case, purpose): two replicas
drafting at once, or an incident marked fixed twice, leave one draft per complainant. Each
draft is published at most once by bot/services/replies.py's conditional claim.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.db.models import Case, Incident, ReplyDraft
from bot.db.session import rows_changed
from bot.domain.enums import CaseStatus, DraftPurpose
from bot.domain.relevance import author_key
from bot.domain.views import CaseView, ReplyDraftView
from bot.services.events import record_event
from bot.services.replies import PublishRefused, ReplyTarget, draft_view, target_of
from bot.services.views import case_view


def complainants(*, session: Session, incident_id: int) -> list[CaseView]:
    """The incident's complaints, one per person (their earliest case): not the dismissed, not the trolls."""
    found = session.scalars(
        select(Case).where(Case.incident_id == incident_id, Case.status != CaseStatus.DISMISSED, Case.troll.is_(False)).order_by(Case.id)
    )
    people: dict[tuple[str, str], CaseView] = {}
    for case in found:
        view = case_view(case)
        people.setdefault((view.source_kind, author_key(view.author) or f"case-{view.case_id}"), view)
    return list(people.values())


def save_drafts(
    *, session: Session, incident_id: int, purpose: DraftPurpose, texts: list[tuple[int, str]], saved_by: str, now: datetime
) -> int:
    """One draft per (case, text); a case that already has this incident's draft of this purpose keeps it. Returns how many are new."""
    if not texts:
        return 0
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    rows = [{"case_id": c, "incident_id": incident_id, "purpose": purpose, "text": t, "saved_by": saved_by, "saved_at": now} for c, t in texts]
    inserted = session.execute(dialect.insert(ReplyDraft).values(rows).on_conflict_do_nothing().returning(ReplyDraft.id))
    return len(inserted.all())


def drafted(*, session: Session, incident_id: int, purpose: DraftPurpose) -> list[tuple[ReplyDraftView, ReplyTarget]]:
    """The incident's drafts of this purpose in case order, each with the mention it answers."""
    # Drafts and their cases in one query (the cases' mentions in one more), not three queries per draft.
    rows = session.execute(
        select(ReplyDraft, Case)
        .join(Case, Case.id == ReplyDraft.case_id)
        .where(ReplyDraft.incident_id == incident_id, ReplyDraft.purpose == purpose)
        .order_by(ReplyDraft.case_id)
    ).all()
    return [(draft_view(draft), target_of(case)) for draft, case in rows]


def replied_by_hand(*, session: Session, draft_id: int, user_id: str, now: datetime) -> ReplyDraftView:
    """A person answered this complainant by hand: the loop is closed. PublishRefused if it was already published or under way."""
    draft = session.get(ReplyDraft, draft_id)
    if draft is None or draft.incident_id is None:
        raise LookupError(f"There is no incident follow-up {draft_id}.")
    marked = rows_changed(
        session,
        update(ReplyDraft)
        .where(ReplyDraft.id == draft_id, ReplyDraft.published_at.is_(None), ReplyDraft.publish_started_at.is_(None))
        .values(published_at=now, publish_error=None)
    )
    session.refresh(draft)
    view = draft_view(draft)
    if marked != 1:
        raise PublishRefused(view)
    record_event(session=session, case_id=draft.case_id, actor=user_id, action="follow_up_sent_by_hand", at=now, incident_id=draft.incident_id)
    return view


def incident_of_draft(*, session: Session, draft_id: int) -> int | None:
    return session.scalar(select(ReplyDraft.incident_id).where(ReplyDraft.id == draft_id))


def mark_once(*, session: Session, incident_id: int, what: str, now: datetime) -> bool:
    """True for exactly one caller: `what` is claim_breach, fix_breach or check_in (its …_at column is set only if NULL)."""
    column = {"claim_breach": Incident.claim_breach_notified_at, "fix_breach": Incident.fix_breach_notified_at,
              "check_in": Incident.check_in_sent_at}[what]
    marked = rows_changed(session, update(Incident).where(Incident.id == incident_id, column.is_(None)).values({column: now}))
    return marked == 1

