"""Numbers for people: `/complaint stats`, the App Home summary, the digest preview."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import Case, CaseStatus
from bot.settings import SlaConfig


def metric_rows(session: Session, *, now: datetime, days: int, sla: SlaConfig) -> list[tuple[str, str]]:
    start = now - timedelta(days=days)
    new = session.scalar(select(func.count(Case.id)).where(Case.detected_at >= start)) or 0
    resolved = session.scalar(
        select(func.count(Case.id)).where(Case.status == CaseStatus.RESOLVED, Case.resolved_at >= start)
    ) or 0
    return [("New", str(new)), ("Resolved", str(resolved))] if new or resolved else []
