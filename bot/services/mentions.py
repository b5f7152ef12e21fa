"""Mentions: dedupe, store, near-duplicates, and the cases they open or join.

Ingest works a batch at a time: what is already stored and each author's recent
history are read in a few queries, and the new cases, mentions and events are
written in a few bulk inserts (bot/services/bulk.py), whatever the batch's size.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from sqlalchemy import func, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.classifier.similarity import fingerprint
from bot.classifier.triage import Triage
from bot.db.models import Case, CaseEvent, MentionRecord, MutedAuthor
from bot.db.session import rows_changed
from bot.domain.enums import CaseStatus
from bot.domain.outbox import PostCard
from bot.domain.relevance import canonical_url, mention_text
from bot.domain.views import CaseView
from bot.services.bulk import insert_all, insert_numbered, listed, listed_pairs
from bot.services.events import record_event
from bot.services.outbox import enqueue
from bot.services.views import case_view
from sources import Mention

NEAR_DUPLICATE_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class Assessment:
    """What the detector and the triage rules made of a mention (no triage for one that can open no case)."""

    score: float
    reasons: tuple[str, ...]
    negative: bool
    triage: Triage | None
    evidence: str = ""  # the passage that weighed most in the verdict (plain text)
    # The language (ISO 639-1) when identified with confidence; `unscored`: one the detector cannot judge, nobody judged.
    language: str | None = None
    unscored: bool = False


def muted_authors(*, session: Session) -> set[str]:
    return set(session.scalars(select(MutedAuthor.author)))


def item_key(mention: Mention) -> tuple[str, str]:
    """The same item at the same source."""
    return mention.source_kind, mention.external_id[:500]


def page_key(mention: Mention) -> str:
    """The same page, under any source; unless many items share the URL (an app's reviews page): then the item."""
    key = canonical_url(mention.url)
    return f"{key}#{mention.source_kind}:{mention.external_id}"[:2000] if mention.url_is_shared else key[:2000]


@dataclass(eq=False)
class Stored:
    """A mention already in the database, as much of it as a new copy of it needs."""

    id: int
    # A NewCase once a person's report opens one on it in this batch.
    case: NewCase | int | None
    source_kind: str
    external_id: str
    canonical_url: str
    score: float
    source_name: str


def already_stored(*, session: Session, items: Collection[tuple[str, str]], pages: Collection[str]) -> list[Stored]:
    """The stored mentions that are one of `items` (source kind, external id) or at one of `pages` (canonical URLs)."""
    m = MentionRecord
    columns = select(m.id, m.case_id, m.source_kind, m.external_id, m.canonical_url, m.score, m.source_name)
    found = list(session.execute(columns.where(m.canonical_url.in_(listed(session, pages)))).all())
    found += session.execute(columns.where(tuple_(m.source_kind, m.external_id).in_(listed_pairs(session, items)))).all()
    return [Stored(*row) for row in {row[0]: row for row in found}.values()]


def recent_negative_counts(*, session: Session, authors: Collection[str], now: datetime) -> Counter[str]:
    """How many negative mentions each author wrote in the last week (a troll signal)."""
    named = {a for a in authors if a}
    if not named:
        return Counter()
    rows = session.execute(
        select(MentionRecord.author, func.count(MentionRecord.id))
        .where(
            MentionRecord.author.in_(listed(session, named)),
            MentionRecord.case_id.is_not(None),
            MentionRecord.detected_at >= now - NEAR_DUPLICATE_WINDOW,
        )
        .group_by(MentionRecord.author)
    )
    return Counter(dict(rows.all()))


def active_fingerprints(*, session: Session, now: datetime, after: int = 0) -> list[tuple[int, str, int]]:
    """(mention id, fingerprint, case id) of the mentions of active cases of the last week, that a repost
    would join, in mention order. `after`: only mentions with a greater id (stored since an earlier call)."""
    m, active = MentionRecord, (Case.status.in_(CaseStatus.active()), Case.detected_at >= now - NEAR_DUPLICATE_WINDOW)
    if not after:
        rows = session.execute(
            select(m.id, m.fingerprint, m.case_id).join(Case, Case.id == m.case_id).where(*active, m.fingerprint.is_not(None)).order_by(m.id)
        )
        # Both queries ask for a fingerprint and a case; the columns are nullable, so the type checker is told too.
        return [(mention_id, fp, case_id) for mention_id, fp, case_id in rows if fp is not None and case_id is not None]
    # The few mentions stored since, each looking up its own case: joined, PostgreSQL reads every active case again.
    live = select(Case.id).where(Case.id == m.case_id, *active).scalar_subquery()
    rows = session.execute(select(m.id, m.fingerprint, m.case_id).where(m.id > after, m.fingerprint.is_not(None), live.is_not(None)).order_by(m.id))
    return [(mention_id, fp, case_id) for mention_id, fp, case_id in rows if fp is not None and case_id is not None]


def stored_mention(*, session: Session, mention_id: int) -> Mention | None:
    """A stored mention as its source found it, to be reported by a person (a near miss in the digest)."""
    record = session.get(MentionRecord, mention_id)
    if record is None:
        return None
    return Mention(
        source_kind=record.source_kind, source_name=record.source_name, external_id=record.external_id, url=record.url,
        text=record.text, title=record.title, author=record.author, published_at=record.published_at, reach=record.reach,
        rating=record.rating, reply_to=record.reply_to, url_is_shared=record.canonical_url != canonical_url(record.url)[:2000],
    )


def _record_values(mention: Mention, assessment: Assessment, now: datetime, *, page: str, print_: str | None) -> dict[str, Any]:
    return {
        "source_kind": mention.source_kind,
        "source_name": mention.source_name,
        "external_id": mention.external_id[:500],
        "url": mention.url,
        "canonical_url": page,
        "title": mention.title,
        "text": mention.text,
        "author": mention.author[:500],
        "published_at": mention.published_at,
        "detected_at": now,
        "reach": mention.reach,
        "rating": mention.rating,
        "score": assessment.score,
        "reasons": list(assessment.reasons + (assessment.triage.reasons if assessment.triage else ())),
        "evidence": assessment.evidence or None,
        "fingerprint": print_,
        "reply_to": mention.reply_to,
        "language": assessment.language,
        "unscored": assessment.unscored,
    }


def _case_values(triage: Triage, now: datetime) -> dict[str, Any]:
    return {"status": CaseStatus.OPEN, "severity": triage.severity, "topics": list(triage.topics), "troll": triage.troll, "detected_at": now}


def preview(mention: Mention, assessment: Assessment, now: datetime, *, number: int) -> CaseView:
    """The card a mention would get (a negative one: triaged), built as the stored one would be, without storing anything."""
    assert assessment.triage is not None
    case = Case(**_case_values(assessment.triage, now))
    case.id = number
    text = mention_text(mention.title, mention.text)
    case.mentions = [MentionRecord(**_record_values(mention, assessment, now, page=page_key(mention), print_=fingerprint(text)))]
    return case_view(case)


def open_case(*, session: Session, record: MentionRecord, triage: Triage, now: datetime) -> CaseView:
    """One case for one stored record (seeding and tests; ingest opens cases a batch at a time with store_batch)."""
    case = Case(**_case_values(triage, now))
    session.add(case)
    session.flush()
    record.case_id = case.id
    session.flush()
    record_event(session=session, case_id=case.id, actor="bot", action="detected", at=now, score=record.score, source=record.source_name)
    enqueue(session=session, case_id=case.id, message=PostCard(), at=now)
    session.refresh(case)
    return case_view(case)


@dataclass(eq=False)
class NewCase:
    """A case this batch opens; `id` is set when it is stored."""

    triage: Triage
    opener: NewMention | Stored
    # Set when a person reported it rather than the detector.
    reporter: str | None = None
    id: int | None = None


@dataclass(eq=False)
class NewMention:
    """A mention this batch stores, with the case it opened or joined; `id` is set when it is stored."""

    mention: Mention
    assessment: Assessment
    page: str
    case: NewCase | int | None = None
    joined: bool = False
    id: int | None = None

    @cached_property
    def fingerprint(self) -> str | None:
        """Worked out only for a mention that opens or joins a case: the others are never compared."""
        return fingerprint(mention_text(self.mention.title, self.mention.text))

    @property
    def score(self) -> float:
        return self.assessment.score

    @property
    def source_name(self) -> str:
        return self.mention.source_name


def store_unless_stored(*, session: Session, mention: Mention, assessment: Assessment, now: datetime) -> Stored | None:
    """Store one mention at once, or None when a concurrent transaction stored the same one first (this waits for it).

    For reports by hand: two people reporting the same message at the same moment must get one case, not an error.
    """
    page = page_key(mention)
    values = _record_values(mention, assessment, now, page=page, print_=fingerprint(mention_text(mention.title, mention.text)))
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    inserted = session.execute(dialect.insert(MentionRecord).values(**values).on_conflict_do_nothing().returning(MentionRecord.id)).first()
    if inserted is None:
        return None
    return Stored(inserted[0], None, mention.source_kind, mention.external_id[:500], page, assessment.score, mention.source_name)


def case_given_meanwhile(*, session: Session, mention_id: int) -> int | None:
    """Lock a stored mention that has no case, for this transaction: None then. Else the case another transaction gave it
    meanwhile (a report racing ours waits on the lock, then sees that case)."""
    locked = rows_changed(session, update(MentionRecord).where(MentionRecord.id == mention_id, MentionRecord.case_id.is_(None)).values(case_id=None))
    if locked == 1:
        return None
    return session.scalar(select(MentionRecord.case_id).where(MentionRecord.id == mention_id))


def case_id(case: NewCase | int | None) -> int | None:
    """The id of a case, stored before or in this batch."""
    return case.id if isinstance(case, NewCase) else case


def store_batch(*, session: Session, cases: Sequence[NewCase], records: Sequence[NewMention], now: datetime) -> None:
    """Write a batch's new cases, mentions and events: a few statements, whatever the batch's size."""
    for case, id_ in zip(cases, insert_numbered(session=session, model=Case, rows=[_case_values(c.triage, now) for c in cases])):
        case.id = id_
    # Only the mentions of cases keep a fingerprint: a repost is compared with those alone (active_fingerprints).
    rows = [
        _record_values(r.mention, r.assessment, now, page=r.page, print_=r.fingerprint if r.case is not None else None) | {"case_id": case_id(r.case)}
        for r in records
    ]
    for record, id_ in zip(records, insert_numbered(session=session, model=MentionRecord, rows=rows)):
        record.id = id_
    _open_on_stored(session, {c.opener.id: c.id for c in cases if isinstance(c.opener, Stored)})
    events = []
    for case in cases:
        events.append(_event(case.id, "bot", "detected", now, score=case.opener.score, source=case.opener.source_name))
        if case.reporter:
            events.append(_event(case.id, case.reporter, "reported", now))
    for record in records:
        if record.joined:
            events.append(_event(case_id(record.case), "bot", "similar_joined", now, mention_id=record.id, url=record.mention.url))
    insert_all(session=session, model=CaseEvent, rows=events)


def _open_on_stored(session: Session, openers: dict[int, int | None]) -> None:
    """Give stored mentions (reported by hand) their new cases, and the fingerprint of their stored text
    if they were stored without one, so that reposts of them join their cases."""
    if not openers:
        return
    m = MentionRecord
    stored = session.execute(select(m.id, m.fingerprint, m.title, m.text).where(m.id.in_(openers))).all()
    values = [{"id": id_, "case_id": openers[id_], "fingerprint": fp or fingerprint(mention_text(title, text))} for id_, fp, title, text in stored]
    session.execute(update(MentionRecord), values)


def _event(case_id: int | None, actor: str, action: str, at: datetime, **details: Any) -> dict[str, Any]:
    return {"case_id": case_id, "actor": actor, "action": action, "at": at, "details": details}
