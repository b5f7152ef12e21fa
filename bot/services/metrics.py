"""Response-time metrics, computed in SQL that runs on SQLite and PostgreSQL alike.

Percentiles are nearest-rank, from ROW_NUMBER() and COUNT(*) window functions
(both databases have them); the seconds between two timestamps is a small
construct compiled per dialect.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Float, and_, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from bot.config import SlaConfig
from bot.db.enums import CaseStatus, DismissReason
from bot.db.models import Case, MentionRecord
from bot.services.views import case_view
from message_blocks.views import CaseView, PeriodNumbers, Timing


class seconds_between(FunctionElement[float]):  # noqa: N801 (reads like the SQL function it stands for)
    """later - earlier, in seconds."""

    type = Float()
    inherit_cache = True


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element: seconds_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


@compiles(seconds_between, "postgresql")
def _seconds_postgresql(element: seconds_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"


def timing(session: Session, duration: ColumnElement[float], *conditions: ColumnElement[bool]) -> Timing:
    ranked = (
        select(
            duration.label("seconds"),
            func.row_number().over(order_by=duration).label("rank"),
            func.count().over().label("n"),
        )
        .where(*conditions)
        .subquery()
    )
    # Nearest rank: median at ceil(n/2) = (n+1)/2, p90 at ceil(0.9n) = (9n+9)/10, in integer division.
    row = session.execute(
        select(
            func.max(ranked.c.n),
            func.max(case((ranked.c.rank == (ranked.c.n + 1) // 2, ranked.c.seconds))),
            func.max(case((ranked.c.rank == (ranked.c.n * 9 + 9) // 10, ranked.c.seconds))),
        )
    ).one()
    return Timing(count=row[0] or 0, median=row[1], p90=row[2])


def _count(session: Session, *conditions: ColumnElement[bool]) -> int:
    return session.scalar(select(func.count(Case.id)).where(*conditions)) or 0


def _between(column: Any, start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(column >= start, column < end)


def period_numbers(*, session: Session, start: datetime, end: datetime, sla: SlaConfig) -> PeriodNumbers:
    """Everything the digest, `/complaint stats` and App Home show for [start, end)."""
    claim_target, resolve_target = sla.claim_minutes * 60.0, sla.resolve_hours * 3600.0
    detected = _between(Case.detected_at, start, end)
    delays = []
    for source in session.scalars(select(MentionRecord.source_name).where(_between(MentionRecord.detected_at, start, end)).distinct()):
        delay = timing(
            session,
            seconds_between(MentionRecord.detected_at, MentionRecord.published_at),
            MentionRecord.source_name == source,
            MentionRecord.published_at.is_not(None),
            _between(MentionRecord.detected_at, start, end),
        )
        if delay.count:
            delays.append((source, delay))
    return PeriodNumbers(
        start=start,
        end=end,
        new=_count(session, detected),
        resolved=_count(session, Case.status == CaseStatus.RESOLVED, _between(Case.resolved_at, start, end)),
        dismissed=_count(session, Case.status == CaseStatus.DISMISSED, _between(Case.resolved_at, start, end)),
        false_positives=_count(
            session, Case.status == CaseStatus.DISMISSED, Case.dismissed_reason == DismissReason.FALSE_POSITIVE, _between(Case.resolved_at, start, end)
        ),
        escalated=_count(session, _between(Case.escalated_at, start, end)),
        backlog=_count(session, Case.detected_at < end, Case.status.in_(CaseStatus.active())),
        claim_breaches=_count(session, detected, seconds_between(func.coalesce(Case.claimed_at, end), Case.detected_at) > claim_target),
        resolve_breaches=_count(
            session, detected, seconds_between(func.coalesce(Case.resolved_at, end), Case.detected_at) > resolve_target
        ),
        time_to_claim=timing(session, seconds_between(Case.claimed_at, Case.detected_at), _between(Case.claimed_at, start, end)),
        time_to_first_response=timing(
            session, seconds_between(Case.first_response_at, Case.detected_at), _between(Case.first_response_at, start, end)
        ),
        time_to_resolve=timing(
            session,
            seconds_between(Case.resolved_at, Case.detected_at),
            Case.status == CaseStatus.RESOLVED,
            _between(Case.resolved_at, start, end),
        ),
        detection_delay=tuple(sorted(delays)),
    )


def oldest_unclaimed(*, session: Session, now: datetime, limit: int = 5) -> list[CaseView]:
    waiting = session.scalars(
        select(Case)
        .where(Case.status == CaseStatus.OPEN, (Case.snoozed_until.is_(None)) | (Case.snoozed_until <= now))
        .order_by(Case.detected_at)
        .limit(limit)
    )
    return [case_view(c) for c in waiting]


def daily_counts(*, session: Session, end: datetime, days: int) -> tuple[dict[str, int], dict[str, list[int]]]:
    """New cases per topic and per source: the last day, and each of the (at most `days`) days before it the bot was running."""
    start = end - timedelta(days=days + 1)
    rows = session.execute(
        select(Case.detected_at, Case.topics, func.min(MentionRecord.source_name))
        .join(MentionRecord, MentionRecord.case_id == Case.id)
        .where(_between(Case.detected_at, start, end))
        .group_by(Case.id)
    )
    per_day: dict[str, list[int]] = {}
    for detected_at, topics, source in rows:
        day = min(int((end - detected_at).total_seconds() // 86400), days)
        for key in [f"topic {t}" for t in (topics or [])] + [f"source {source}"]:
            per_day.setdefault(key, [0] * (days + 1))[day] += 1
    # Only whole days since the first mention was stored count as history: before it the bot was not
    # watching, so its zeros say nothing (a fresh install would see every topic "spike").
    first = session.scalar(select(func.min(MentionRecord.detected_at)))
    observed = 0 if first is None else max(min(int((end - first) // timedelta(days=1)) - 1, days), 0)
    return {key: counts[0] for key, counts in per_day.items()}, {key: counts[1 : 1 + observed] for key, counts in per_day.items()}
