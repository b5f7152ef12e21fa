"""Read-only questions about incidents: the card's numbers, lists, the timeline, what the reminders must nudge, reports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import Case, Incident, IncidentEvent, MentionRecord, ReplyDraft
from bot.domain.enums import CaseStatus, DraftPurpose, IncidentStatus
from bot.domain.relevance import author_key
from bot.domain.views import EventView, IncidentNumbers, IncidentView
from bot.services.incidents import get
from bot.services.metrics import seconds_between, timing
from bot.services.views import view_of

QUOTES = 3
# Quote candidates whose words are read at once.
QUOTE_READS = 20
TREND_HOURS = 12


def view(*, session: Session, incident_id: int, now: datetime) -> IncidentView:
    incident = get(session=session, incident_id=incident_id)
    session.refresh(incident)
    # Every case's mentions without their words: an incident can hold thousands of long posts, and only the three
    # quoted need theirs (read below, best first).
    rows = session.execute(
        select(Case.id, Case.status, Case.detected_at, Case.topics, MentionRecord.id.label("mention_id"),
               MentionRecord.source_name, MentionRecord.author, MentionRecord.score)
        .join(MentionRecord, MentionRecord.case_id == Case.id)
        .where(Case.incident_id == incident_id)
        .order_by(Case.id, MentionRecord.id)
    ).all()
    # The opening mention of each case stands for it (the ones that joined it are reposts of the same words).
    openers = {row.id: row for row in reversed(rows)}
    complaints = [row for row in openers.values() if row.status != CaseStatus.DISMISSED]
    sources = Counter(row.source_name for row in complaints)
    topics = Counter(topic for row in complaints for topic in row.topics or [])
    seen = [row.detected_at for row in complaints]
    quotes = _quotes(session, sorted(complaints, key=lambda r: r.score, reverse=True))
    trend = [0] * TREND_HOURS
    for moment in seen:
        hours_ago = int((now - moment).total_seconds() // 3600)
        if 0 <= hours_ago < TREND_HOURS:
            trend[TREND_HOURS - 1 - hours_ago] += 1
    drafted, closed_loops = session.execute(
        select(func.count(ReplyDraft.id), func.count(ReplyDraft.published_at))
        .where(ReplyDraft.incident_id == incident_id, ReplyDraft.purpose == DraftPurpose.INCIDENT_FIX)
    ).one()
    # The incident's own columns by name (view_of); the rest is counted above.
    return view_of(
        IncidentView, incident, incident_id=incident.id, complaints=len(complaints), dismissed=len(openers) - len(complaints),
        sources=tuple(sources.most_common()), topics=tuple(topics.most_common()), first_seen=min(seen, default=None),
        last_seen=max(seen, default=None), quotes=tuple(quotes), trend=tuple(trend), follow_ups=drafted, loops_closed=closed_loops,
    )


def _quotes(session: Session, best_first: Sequence[Any]) -> list[tuple[int, str, str]]:
    """Up to QUOTES (case id, link, words) from different authors, the most negative first; the words are read a few
    cases at a time, as far down the list as it takes."""
    quotes: list[tuple[int, str, str]] = []
    authors: set[str] = set()
    for start in range(0, len(best_first), QUOTE_READS):
        batch = best_first[start:start + QUOTE_READS]
        said = {m.id: m for m in session.execute(
            select(MentionRecord.id, MentionRecord.url, MentionRecord.title, MentionRecord.text)
            .where(MentionRecord.id.in_([row.mention_id for row in batch]))
        )}
        for row in batch:
            key = author_key(row.author) or f"case-{row.id}"
            words = said[row.mention_id].text or said[row.mention_id].title
            if key in authors or not words:
                continue
            authors.add(key)
            quotes.append((row.id, said[row.mention_id].url, words))
            if len(quotes) == QUOTES:
                return quotes
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
