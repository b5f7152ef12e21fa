"""Read-only questions about incidents: the card's numbers, lists, the timeline, what the reminders must nudge, reports."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Subquery, Text, and_, case, cast, func, select
from sqlalchemy.orm import Session

from bot.db.models import Case, Incident, IncidentEvent, MentionRecord, ReplyDraft
from bot.domain.enums import CaseStatus, DraftPurpose, IncidentStatus, Severity
from bot.domain.relevance import author_key
from bot.domain.views import EventView, IncidentNumbers, IncidentView
from bot.services.incidents import get
from bot.services.metrics import seconds_between, timing
from bot.services.views import view_of

QUOTES = 3
# Quote candidates read at once.
QUOTE_READS = 20
TREND_HOURS = 12


def view(*, session: Session, incident_id: int, now: datetime) -> IncidentView:
    incident = get(session=session, incident_id=incident_id)
    session.refresh(incident)
    # The opening mention of each case stands for it (the ones that joined it are reposts of the same words). The
    # numbers are counted in the database, a row per (status, source, topics): an incident can hold thousands of cases,
    # and reading each case's mentions into Python cost more than drawing the card.
    openers = _openers(incident_id)
    hours = [now - timedelta(hours=hour) for hour in range(TREND_HOURS + 1)]
    # Grouped by their text: PostgreSQL's json type has no equality; equal lists were written the same way.
    topics_text = cast(Case.topics, Text)
    groups = session.execute(
        select(
            Case.status.label("status"), MentionRecord.source_name.label("source"), topics_text.label("topics"),
            func.count().label("cases"), func.max(Case.id).label("newest_case"),
            func.min(Case.detected_at).label("first_seen"), func.max(Case.detected_at).label("last_seen"),
            # Detected in the hour ending `hours[h]`, for the last TREND_HOURS hours (h = 0: the one ending now).
            *(func.sum(case((and_(Case.detected_at > hours[h + 1], Case.detected_at <= hours[h]), 1), else_=0)).label(f"hour_{h}")
              for h in range(TREND_HOURS)),
        )
        .join(openers, openers.c.case_id == Case.id)
        .join(MentionRecord, MentionRecord.id == openers.c.mention_id)
        .group_by(Case.status, MentionRecord.source_name, topics_text)
    ).all()
    counted = [group for group in groups if group.status != CaseStatus.DISMISSED]
    # Ties go the way a count in case order would put them, newest case first: the group holding the newer case leads.
    counted.sort(key=lambda group: group.newest_case, reverse=True)
    sources: Counter[str] = Counter()
    topics: Counter[str] = Counter()
    trend = [0] * TREND_HOURS
    for group in counted:
        sources[group.source] += group.cases
        for topic in json.loads(group.topics or "null") or []:
            topics[topic] += group.cases
        for hour in range(TREND_HOURS):
            trend[TREND_HOURS - 1 - hour] += group._mapping[f"hour_{hour}"] or 0
    complaints = sum(group.cases for group in counted)
    drafted, closed_loops = session.execute(
        select(func.count(ReplyDraft.id), func.count(ReplyDraft.published_at))
        .where(ReplyDraft.incident_id == incident_id, ReplyDraft.purpose == DraftPurpose.INCIDENT_FIX)
    ).one()
    # The incident's own columns by name (view_of); the rest is counted above.
    return view_of(
        IncidentView, incident, incident_id=incident.id, complaints=complaints, dismissed=sum(group.cases for group in groups) - complaints,
        sources=tuple(sources.most_common()), topics=tuple(topics.most_common()),
        first_seen=min((group.first_seen for group in counted), default=None), last_seen=max((group.last_seen for group in counted), default=None),
        quotes=tuple(_quotes(session, openers)), trend=tuple(trend), follow_ups=drafted, loops_closed=closed_loops,
    )


def _openers(incident_id: int) -> Subquery:
    """(case_id, mention_id) of the first mention of each of the incident's cases."""
    return (
        select(MentionRecord.case_id, func.min(MentionRecord.id).label("mention_id"))
        .join(Case, Case.id == MentionRecord.case_id)
        .where(Case.incident_id == incident_id)
        .group_by(MentionRecord.case_id)
        .subquery()
    )


def _quotes(session: Session, openers: Subquery) -> list[tuple[int, str, str, str]]:
    """Up to QUOTES (case id, link, words, severity) from different authors, the most severe first, then the most
    negative (of equals, the newest case); read a few cases at a time, as far down the list as it takes."""
    quotes: list[tuple[int, str, str, str]] = []
    authors: set[str] = set()
    severity_rank = case({s.value: s.rank for s in Severity}, value=Case.severity, else_=-1)
    best_first = (
        select(Case.id, MentionRecord.author, MentionRecord.url, MentionRecord.title, MentionRecord.text, Case.severity)
        .join(openers, openers.c.case_id == Case.id)
        .join(MentionRecord, MentionRecord.id == openers.c.mention_id)
        .where(Case.status != CaseStatus.DISMISSED)
        .order_by(severity_rank.desc(), MentionRecord.score.desc(), Case.id.desc())
        .limit(QUOTE_READS)
    )
    start = 0
    while True:
        batch = session.execute(best_first.offset(start)).all()
        start += QUOTE_READS
        for case_id, author, url, title, text, severity in batch:
            key = author_key(author) or f"case-{case_id}"
            words = text or title
            if key in authors or not words:
                continue
            authors.add(key)
            quotes.append((case_id, url, words, severity or ""))
            if len(quotes) == QUOTES:
                return quotes
        if len(batch) < QUOTE_READS:
            return quotes


def listed(*, session: Session, now: datetime, open_only: bool, limit: int) -> list[IncidentView]:
    """Newest first: the open ones (investigating, fixing), or all."""
    query = select(Incident.id).order_by(Incident.id.desc()).limit(limit)
    if open_only:
        query = query.where(Incident.status.in_(IncidentStatus.open()))
    return [view(session=session, incident_id=i, now=now) for i in session.scalars(query)]


def open_choices(*, session: Session, limit: int) -> list[tuple[int, str]]:
    """(id, title) of the incidents a case can join, newest first: the modal's menu."""
    query = select(Incident.id, Incident.title).where(Incident.status.in_(IncidentStatus.open())).order_by(Incident.id.desc()).limit(limit)
    return [(i, t) for i, t in session.execute(query)]


def timeline(*, session: Session, incident_id: int) -> list[EventView]:
    events = session.scalars(select(IncidentEvent).where(IncidentEvent.incident_id == incident_id).order_by(IncidentEvent.id))
    return [EventView(e.at, e.actor, e.action) for e in events]


def location(*, session: Session, incident_id: int) -> tuple[str | None, str | None, str | None, str | None]:
    """Where the card is (channel, ts) and where the manager's DM is (channel, ts), as far as they were posted."""
    incident = get(session=session, incident_id=incident_id)
    session.refresh(incident)
    return incident.channel_id, incident.message_ts, incident.dm_channel, incident.dm_ts


@dataclass(frozen=True)
class DueIncidents:
    unowned: list[int]
    unfixed: list[int]
    check_ins: list[int]


def due(*, session: Session, now: datetime, claim_target: timedelta, fix_target: timedelta) -> DueIncidents:
    """The incident's own SLA (an owner within the claim target, fixed within the resolve target) and its check-in."""
    active = Incident.status.in_(IncidentStatus.open())
    unowned = select(Incident.id).where(active, Incident.owner.is_(None), Incident.claim_breach_notified_at.is_(None),
                                        Incident.opened_at <= now - claim_target)
    unfixed = select(Incident.id).where(active, Incident.fix_breach_notified_at.is_(None), Incident.opened_at <= now - fix_target)
    check_ins = select(Incident.id).where(Incident.check_in_at <= now, Incident.check_in_sent_at.is_(None))
    return DueIncidents(list(session.scalars(unowned)), list(session.scalars(unfixed)), list(session.scalars(check_ins)))


def numbers(*, session: Session, start: datetime, end: datetime) -> IncidentNumbers:
    """Incidents opened and fixed in [start, end), the time from opening to fix, complaints per incident opened, loops closed."""
    opened = list(session.scalars(select(Incident.id).where(Incident.opened_at >= start, Incident.opened_at < end)))
    in_period = (Incident.fixed_at >= start, Incident.fixed_at < end)
    fixed = session.scalar(select(func.count(Incident.id)).where(*in_period)) or 0
    complaints = session.scalar(
        select(func.count(Case.id)).where(Case.incident_id.in_(opened), Case.status != CaseStatus.DISMISSED)
    ) if opened else 0
    loops = session.scalar(
        select(func.count(ReplyDraft.id)).where(
            ReplyDraft.purpose == DraftPurpose.INCIDENT_FIX, ReplyDraft.published_at >= start, ReplyDraft.published_at < end
        )
    ) or 0
    return IncidentNumbers(
        opened=len(opened),
        fixed=fixed,
        time_to_fix=timing(session, seconds_between(Incident.fixed_at, Incident.opened_at), *in_period),
        complaints_per_incident=(complaints or 0) / len(opened) if opened else None,
        loops_closed=loops,
    )
