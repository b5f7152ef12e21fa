"""Response-time metrics, computed in SQL that runs on SQLite and PostgreSQL alike.

Percentiles are nearest-rank, from ROW_NUMBER() and COUNT(*) window functions
(both databases have them); the seconds between two timestamps is a small
construct compiled per dialect.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Float, and_, case, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from bot.config import SlaConfig
from bot.db.models import Case, CaseEvent, MentionRecord, UTCDateTime
from bot.domain.enums import CaseStatus, DismissReason, RootCause
from bot.domain.views import CaseView, NearMiss, PeriodNumbers, Timing
from bot.services.views import case_view


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


def timings(session: Session, duration: ColumnElement[float], *conditions: ColumnElement[bool], by: Any = None) -> dict[Any, Timing]:
    """Nearest-rank median and p90 of `duration` over the rows meeting `conditions`, per value of `by`.

    The durations of a period are fetched and ranked here: for the few thousand rows a period holds
    that is quicker than ranking them with window functions in SQLite, and the same on both databases.
    """
    grouped: dict[Any, list[float]] = defaultdict(list)
    for key, seconds in session.execute(select(by if by is not None else literal(None), duration).where(*conditions)):
        grouped[key].append(seconds)
    return {key: _ranked(sorted(values)) for key, values in grouped.items()}


def _ranked(ordered: list[float]) -> Timing:
    # Nearest rank: the median is the ceil(n/2)-th value, the p90 the ceil(0.9n)-th.
    n = len(ordered)
    return Timing(count=n, median=ordered[(n + 1) // 2 - 1], p90=ordered[(n * 9 + 9) // 10 - 1])


def timing(session: Session, duration: ColumnElement[float], *conditions: ColumnElement[bool]) -> Timing:
    return timings(session, duration, *conditions).get(None, Timing())


def _count(session: Session, *conditions: ColumnElement[bool]) -> int:
    return session.scalar(select(func.count(Case.id)).where(*conditions)) or 0


def _between(column: Any, start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(column >= start, column < end)


def _unindexed(column: Any) -> ColumnElement[Any]:
    """The column as an expression no index matches (the classic `|| ''`), so the period's date range picks the
    index: without statistics SQLite prefers any equality, and the status index holds a year of resolved cases (and
    "case_id IS NULL" every mention that never opened a case, most of those a brand is mentioned in)."""
    return column.concat("")


def _tally(*condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((and_(*condition), 1), else_=0)), 0)


def period_numbers(*, session: Session, start: datetime, end: datetime, sla: SlaConfig) -> PeriodNumbers:
    """Everything the digest, `/complaint stats` and App Home show for [start, end).

    Each question reads one index range (detected, closed, escalated, claimed... in the period):
    a year of history costs what the period holds, not what the table holds.
    """
    claim_target, resolve_target = sla.claim_minutes * 60.0, sla.resolve_hours * 3600.0
    new, claim_breaches, resolve_breaches = session.execute(
        select(
            func.count(Case.id),
            _tally(seconds_between(func.coalesce(Case.claimed_at, end), Case.detected_at) > claim_target),
            _tally(seconds_between(func.coalesce(Case.resolved_at, end), Case.detected_at) > resolve_target),
        ).where(_between(Case.detected_at, start, end))
    ).one()
    resolved, dismissed, false_positives = session.execute(
        select(
            _tally(Case.status == CaseStatus.RESOLVED),
            _tally(Case.status == CaseStatus.DISMISSED),
            _tally(Case.status == CaseStatus.DISMISSED, Case.dismissed_reason == DismissReason.FALSE_POSITIVE),
        ).where(_between(Case.resolved_at, start, end))
    ).one()
    delays = timings(
        session,
        seconds_between(MentionRecord.detected_at, MentionRecord.published_at),
        _between(MentionRecord.detected_at, start, end),
        MentionRecord.published_at.is_not(None),
        by=MentionRecord.source_name,
    )
    return PeriodNumbers(
        start=start,
        end=end,
        new=new,
        resolved=resolved,
        dismissed=dismissed,
        false_positives=false_positives,
        escalated=_count(session, _between(Case.escalated_at, start, end)),
        backlog=_count(session, Case.status.in_(CaseStatus.active()), Case.detected_at < end),
        claim_breaches=claim_breaches,
        resolve_breaches=resolve_breaches,
        time_to_claim=timing(session, seconds_between(Case.claimed_at, Case.detected_at), _between(Case.claimed_at, start, end)),
        time_to_first_response=timing(
            session, seconds_between(Case.first_response_at, Case.detected_at), _between(Case.first_response_at, start, end)
        ),
        time_to_resolve=timing(
            session,
            seconds_between(Case.resolved_at, Case.detected_at),
            _between(Case.resolved_at, start, end),
            _unindexed(Case.status) == CaseStatus.RESOLVED,
        ),
        detection_delay=tuple(sorted(delays.items())),
        **language_volume(session=session, start=start, end=end),
    )


def language_volume(*, session: Session, start: datetime, end: datetime) -> dict[str, tuple[tuple[str | None, int], ...]]:
    """`languages`: new cases in [start, end) per language of the mention that opened each; `set_aside`: mentions
    stored without a case for being in a language the detector cannot judge. Most first."""
    opener = select(MentionRecord.language).where(MentionRecord.case_id == Case.id).order_by(MentionRecord.id).limit(1).scalar_subquery()
    cases = Counter(session.scalars(select(opener).where(_between(Case.detected_at, start, end))))
    aside = session.execute(
        select(MentionRecord.language, func.count(MentionRecord.id))
        .where(_between(MentionRecord.detected_at, start, end), MentionRecord.unscored.is_(True), _unindexed(MentionRecord.case_id).is_(None))
        .group_by(MentionRecord.language)
    )
    return {"languages": _most_first(cases.items()), "set_aside": _most_first((language, count) for language, count in aside)}


def _most_first(counts: Iterable[tuple[str | None, int]]) -> tuple[tuple[str | None, int], ...]:
    return tuple(sorted(((language, int(count)) for language, count in counts), key=lambda item: (-item[1], item[0] or "")))


def oldest_unclaimed(*, session: Session, now: datetime, limit: int = 5) -> list[CaseView]:
    waiting = session.scalars(
        select(Case)
        .where(Case.status == CaseStatus.OPEN, (Case.snoozed_until.is_(None)) | (Case.snoozed_until <= now))
        .order_by(Case.detected_at)
        .limit(limit)
    )
    return [case_view(c) for c in waiting]


def daily_volume(*, session: Session, end: datetime, days: int) -> list[tuple[int, int]]:
    """New and resolved cases in each of the `days` 24-hour windows up to `end`, oldest first."""
    start = end - timedelta(days=days)

    def per_day(column: Any, *conditions: ColumnElement[bool]) -> list[int]:
        counts = [0] * days
        since_start = select(seconds_between(column, literal(start, UTCDateTime))).where(_between(column, start, end), *conditions)
        for seconds in session.scalars(since_start):
            counts[min(int(seconds // 86400), days - 1)] += 1
        return counts

    return list(zip(per_day(Case.detected_at), per_day(Case.resolved_at, _unindexed(Case.status) == CaseStatus.RESOLVED)))


def daily_counts(*, session: Session, end: datetime, days: int) -> tuple[dict[str, int], dict[str, list[int]]]:
    """New cases per topic and per source: the last day, and each of the (at most `days`) days before it the bot was running."""
    start = end - timedelta(days=days + 1)
    # The cases of the period by date, each case's mentions by case id: not a join the database may drive from mentions.
    source = select(func.min(MentionRecord.source_name)).where(MentionRecord.case_id == Case.id).scalar_subquery()
    rows = session.execute(select(Case.detected_at, Case.topics, source).where(_between(Case.detected_at, start, end)))
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


def decided_cases(*, session: Session, start: datetime, end: datetime) -> dict[str, tuple[list[float], list[float]]]:
    """Per source, the scores of the detector's cases detected in [start, end) that the team decided on, in two lists:
    those claimed or resolved as a complaint (confirmed), and those dismissed as "not a complaint" (false alarms). A
    case's score is its highest-scoring mention's. Open, unclaimed cases are not decided; a case no detector scored (a
    language it cannot read, routed to a person) says nothing of the detector."""
    false_alarm = and_(Case.status == CaseStatus.DISMISSED, Case.dismissed_reason == DismissReason.FALSE_POSITIVE)
    complaint_causes = [cause.value for cause in RootCause if cause.is_complaint]
    confirmed = and_(
        ~false_alarm,
        Case.claimed_at.is_not(None) | and_(Case.status == CaseStatus.RESOLVED, Case.root_cause.in_(complaint_causes)),
    )
    # A case a person opened ("Report as complaint", `/complaint add`, a near miss reported from the digest) was not the
    # detector's call: it says nothing of how often the detector's flags are right.
    reported = select(CaseEvent.id).where(CaseEvent.case_id == Case.id, CaseEvent.action == "reported").exists()
    detected = and_(MentionRecord.case_id == Case.id, ~MentionRecord.unscored)
    rows = session.execute(
        select(func.min(MentionRecord.source_name), func.max(MentionRecord.score), func.max(case((confirmed, 1), else_=0)))
        .select_from(Case)
        .join(MentionRecord, detected)
        .where(_between(Case.detected_at, start, end), confirmed | false_alarm, ~reported)
        # By the mentions' column: grouped by the cases' own key, SQLite walks every case in key order, not the period's.
        .group_by(MentionRecord.case_id)
    )
    decided: dict[str, tuple[list[float], list[float]]] = {}
    for name, highest, is_complaint in rows:
        decided.setdefault(name, ([], []))[0 if is_complaint else 1].append(float(highest))
    return decided


def near_misses(
    *, session: Session, start: datetime, end: datetime, thresholds: Mapping[str, float], default: float, margin: float, limit: int
) -> list[NearMiss]:
    """Mentions detected in [start, end) that opened no case and scored within `margin` under their source's threshold
    (`thresholds` by source name, `default` for any other), the closest to it first. Not those no detector scored."""
    by_source = [(MentionRecord.source_name == name, threshold) for name, threshold in thresholds.items()]
    threshold = case(*by_source, else_=default) if by_source else literal(default)
    under = threshold - MentionRecord.score
    rows = session.execute(
        select(MentionRecord, threshold)
        .where(_between(MentionRecord.detected_at, start, end), _unindexed(MentionRecord.case_id).is_(None), ~MentionRecord.unscored, under > 0, under <= margin)
        .order_by(under, MentionRecord.id)
        .limit(limit)
    )
    return [NearMiss(r.id, r.source_name, r.score, float(t), r.url, r.title, (r.evidence or r.text)[:1000]) for r, t in rows]
