"""What an operator's dashboard reads at each scrape: the backlog, SLA breaches, the outbox. Three small queries on indexes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.db.models import Case, OutboxMessage
from bot.domain.enums import CaseStatus


@dataclass(frozen=True)
class OperationsSnapshot:
    backlog: dict[CaseStatus, int]
    # Active cases whose SLA breach has been announced (the reminders set these times once, in business hours).
    claim_sla_breached: int
    resolve_sla_breached: int
    outbox_depth: int
    # Seconds since the oldest unsent outbox row was queued; 0 when the outbox is empty.
    outbox_oldest_seconds: float


def snapshot(*, session: Session, now: datetime) -> OperationsSnapshot:
    active = CaseStatus.active()
    counts = session.execute(
        select(
            Case.status,
            func.count(),
            func.sum(case((Case.claim_breach_notified_at.is_not(None), 1), else_=0)),
            func.sum(case((Case.resolve_breach_notified_at.is_not(None), 1), else_=0)),
        )
        .where(Case.status.in_(active))
        .group_by(Case.status)
    ).all()
    backlog = {status: 0 for status in active} | {CaseStatus(status): count for status, count, _, _ in counts}
    depth, oldest = session.execute(select(func.count(), func.min(OutboxMessage.created_at)).where(OutboxMessage.sent_at.is_(None))).one()
    return OperationsSnapshot(
        backlog=backlog,
        # A claimed case has met its claim target, late or not: only unclaimed ones still breach it.
        claim_sla_breached=sum(claim or 0 for status, _, claim, _ in counts if status == CaseStatus.OPEN),
        resolve_sla_breached=sum(resolve or 0 for _, _, _, resolve in counts),
        outbox_depth=depth,
        outbox_oldest_seconds=max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0,
    )
