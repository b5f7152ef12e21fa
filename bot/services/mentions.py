"""Mentions: dedupe, store, near-duplicates, and the cases they open or join."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.classifier.similarity import NearDuplicates, fingerprint
from bot.classifier.triage import Triage
from bot.db.enums import CaseStatus, OutboxKind
from bot.db.models import Case, MentionRecord, MutedAuthor
from bot.domain.relevance import canonical_url, mention_text
from bot.services.events import record_event
from bot.services.outbox import enqueue
from bot.services.views import case_view
from message_blocks.views import CaseView
from sources import Mention

NEAR_DUPLICATE_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class Assessment:
    """What the detector and the triage rules made of a mention."""

    score: float
    reasons: tuple[str, ...]
    negative: bool
    triage: Triage
    # The passage that weighed most in the verdict (plain text).
    evidence: str = ""


def muted_authors(*, session: Session) -> set[str]:
    return set(session.scalars(select(MutedAuthor.author)))


def page_key(mention: Mention) -> str:
    """Which page the mention is: the same page found under two sources is one mention, unless many items share the URL."""
    key = canonical_url(mention.url)
    return f"{key}#{mention.source_kind}:{mention.external_id}"[:2000] if mention.url_is_shared else key[:2000]


def find_same(*, session: Session, mention: Mention) -> MentionRecord | None:
    """The stored mention that is this one: the same item at the same source, or the same page under any source."""
    same = or_(
        (MentionRecord.source_kind == mention.source_kind) & (MentionRecord.external_id == mention.external_id[:500]),
        MentionRecord.canonical_url == page_key(mention),
    )
    return session.scalars(select(MentionRecord).where(same).limit(1)).first()


def recent_negative_by(*, session: Session, author: str, now: datetime) -> int:
    """How many negative mentions the author wrote in the last week (a troll signal)."""
    if not author:
        return 0
    return session.scalar(
        select(func.count(MentionRecord.id)).where(
            MentionRecord.author == author[:500],
            MentionRecord.case_id.is_not(None),
            MentionRecord.detected_at >= now - NEAR_DUPLICATE_WINDOW,
        )
    ) or 0


def near_duplicates(*, session: Session, now: datetime) -> NearDuplicates:
    """Active cases of the last week that a repost of them would join."""
    known = session.execute(
        select(MentionRecord.fingerprint, MentionRecord.case_id)
        .join(Case, Case.id == MentionRecord.case_id)
        .where(
            Case.status.in_(CaseStatus.active()),
            Case.detected_at >= now - NEAR_DUPLICATE_WINDOW,
            MentionRecord.fingerprint.is_not(None),
        )
        .order_by(MentionRecord.case_id)
    )
    return NearDuplicates([(fp, case_id) for fp, case_id in known])


def new_record(mention: Mention, assessment: Assessment, now: datetime) -> MentionRecord:
    """The row for a mention, not yet added to any session."""
    return MentionRecord(
        source_kind=mention.source_kind,
        source_name=mention.source_name,
        external_id=mention.external_id[:500],
        url=mention.url,
        canonical_url=page_key(mention),
        title=mention.title,
        text=mention.text,
        author=mention.author[:500],
        published_at=mention.published_at,
        detected_at=now,
        reach=mention.reach,
        rating=mention.rating,
        score=assessment.score,
        reasons=list(assessment.reasons + assessment.triage.reasons),
        evidence=assessment.evidence or None,
        fingerprint=fingerprint(mention_text(mention.title, mention.text)),
        reply_to=mention.reply_to,
    )


def new_case(triage: Triage, now: datetime) -> Case:
    return Case(status=CaseStatus.OPEN, severity=triage.severity, topics=list(triage.topics), troll=triage.troll, detected_at=now)


def preview(mention: Mention, assessment: Assessment, now: datetime, *, number: int) -> CaseView:
    """The card a mention would get, built as the stored one would be, without storing anything."""
    case = new_case(assessment.triage, now)
    case.id = number
    case.mentions = [new_record(mention, assessment, now)]
    return case_view(case)


def store(*, session: Session, mention: Mention, assessment: Assessment, now: datetime) -> MentionRecord:
    record = new_record(mention, assessment, now)
    session.add(record)
    session.flush()
    return record


def store_unless_stored(*, session: Session, mention: Mention, assessment: Assessment, now: datetime) -> MentionRecord | None:
    """Store the mention, or None when a concurrent transaction stored the same one first (it then waits for that one)."""
    record = new_record(mention, assessment, now)
    values = {column.key: getattr(record, column.key) for column in MentionRecord.__table__.columns if column.key != "id"}
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    inserted = session.execute(dialect.insert(MentionRecord).values(**values).on_conflict_do_nothing().returning(MentionRecord.id)).first()
    return session.get(MentionRecord, inserted[0]) if inserted else None


def reserve_for_case(*, session: Session, record: MentionRecord) -> bool:
    """Lock a stored mention that still has no case, for this transaction; False if another one gave it a case meanwhile."""
    touched = session.execute(
        update(MentionRecord).where(MentionRecord.id == record.id, MentionRecord.case_id.is_(None)).values(case_id=None)
    )
    if touched.rowcount == 1:
        return True
    session.refresh(record)
    return False


def open_case(*, session: Session, record: MentionRecord, triage: Triage, now: datetime) -> CaseView:
    case = new_case(triage, now)
    session.add(case)
    session.flush()
    record.case_id = case.id
    session.flush()
    record_event(session=session, case_id=case.id, actor="bot", action="detected", at=now, score=record.score, source=record.source_name)
    enqueue(session=session, case_id=case.id, kind=OutboxKind.POST_CARD, at=now)
    session.refresh(case)
    return case_view(case)


def join_case(*, session: Session, record: MentionRecord, case_id: int, now: datetime) -> None:
    """A near-duplicate of an active case joins it instead of opening another."""
    record.case_id = case_id
    record_event(session=session, case_id=case_id, actor="bot", action="similar_joined", at=now, mention_id=record.id, url=record.url)
    enqueue(session=session, case_id=case_id, kind=OutboxKind.UPDATE_CARD, at=now)
