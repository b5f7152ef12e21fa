"""Publishing a person's App Home."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import Case, CaseStatus
from bot.db.session import session_scope
from bot.reports import metric_rows
from bot.runtime import Runtime
from bot.services.views import case_view
from message_blocks.home import SHOWN_PER_SECTION, home_view
from message_blocks.views import CaseView

ACTIVE = (CaseStatus.OPEN, CaseStatus.CLAIMED, CaseStatus.ESCALATED)


def _cases(session: Session, *conditions) -> tuple[list[CaseView], int]:  # type: ignore[no-untyped-def]
    query = select(Case).where(*conditions)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    shown = [case_view(c) for c in session.scalars(query.order_by(Case.detected_at).limit(SHOWN_PER_SECTION))]
    return shown, total


def publish(rt: Runtime, *, user_id: str) -> None:
    with session_scope(rt.sessions) as session:
        mine, mine_total = _cases(session, Case.status.in_(ACTIVE), Case.assignee == user_id)
        unclaimed, unclaimed_total = _cases(session, Case.status == CaseStatus.OPEN)
        escalated, _ = _cases(session, Case.status == CaseStatus.ESCALATED, Case.escalated_to == user_id)
        metrics = metric_rows(session, now=rt.clock(), days=7, sla=rt.config.sla)
    view = home_view(
        mine=mine,
        mine_total=mine_total,
        unclaimed=unclaimed,
        unclaimed_total=unclaimed_total,
        # Managers always see the section; anyone else only when something was escalated to them.
        escalated_to_me=escalated if escalated or user_id in rt.config.slack.managers else None,
        metrics=metrics,
    )
    rt.slack.views_publish(user_id=user_id, view=view)
