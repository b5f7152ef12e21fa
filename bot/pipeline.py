"""One poll: fetch every source, keep what is about the brand, dedupe, classify, store, queue cards.

Each source's batch is stored in one transaction together with its new cursor,
so a crash before the commit re-fetches the same items next time and a crash
after it leaves the cards waiting in the outbox: nothing is lost or posted twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

import httpx
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.classifier import Classifier, ClassifierConfig
from bot.classifier.similarity import NearDuplicates, fingerprint
from bot.classifier.triage import Triage, assess
from bot.db.models import Case, CaseStatus, MentionRecord, MutedAuthor, SourceState
from bot.db.session import session_scope
from bot.relevance import RelevanceFilter, canonical_url
from bot.runtime import Runtime
from bot.services.cases import enqueue, record_event
from bot.services.views import case_view
from message_blocks.card import card_text
from message_blocks.notes import source_failing, source_recovered, urgent_case_dm
from message_blocks.views import CaseView
from sources import FetchResult, Mention, Source, SourceDisabled, SourceError, SourceRateLimited, build_source

log = logging.getLogger(__name__)

NEAR_DUPLICATE_WINDOW = timedelta(days=7)
# A source failing this many polls in a row is announced in the channel, once.
REPORT_FAILURES_AFTER = 5
MAX_FETCH_WORKERS = 16


@dataclass(frozen=True)
class Assessment:
    score: float
    reasons: tuple[str, ...]
    negative: bool
    triage: Triage
    evidence: str = ""


@dataclass
class SourceReport:
    name: str
    fetched: int = 0
    relevant: int = 0
    duplicates: int = 0
    negative: int = 0
    joined: int = 0
    error: str | None = None


@dataclass
class PollReport:
    sources: list[SourceReport] = field(default_factory=list)
    previews: list[CaseView] = field(default_factory=list)

    @property
    def new_cases(self) -> int:
        return sum(s.negative - s.joined for s in self.sources)


def relevance_filter(runtime: Runtime, session: Session) -> RelevanceFilter:
    muted = set(session.scalars(select(MutedAuthor.author)))
    return RelevanceFilter.build(runtime.config.brand.terms, runtime.config.brand.exclude, muted)


def mention_text(mention: Mention | MentionRecord) -> str:
    return f"{mention.title}\n{mention.text}".strip()


def assess_mention(
    mention: Mention,
    classifier: Classifier,
    config: ClassifierConfig,
    author_history: Callable[[], int] = lambda: 0,
    brand_terms: Sequence[str] = (),
) -> Assessment:
    """`author_history` (the author's recent negative mentions) is only asked for when the verdict is negative."""
    text = mention_text(mention)
    verdict = classifier.classify(text, rating=mention.rating, brand_terms=brand_terms)
    negative = verdict.score >= config.threshold
    triage = assess(
        text,
        score=verdict.score,
        reach=mention.reach,
        rating=mention.rating,
        config=config,
        author_recent_negative=author_history() if negative else 0,
    )
    return Assessment(verdict.score, verdict.reasons, negative, triage, verdict.evidence)


def fetch_all(sources: list[Source], cursors: dict[str, dict | None]) -> dict[str, FetchResult | SourceError]:
    """Fetch concurrently: one slow source costs its own deadline, not everyone's."""

    def one(source: Source) -> FetchResult | SourceError:
        try:
            return source.fetch(cursors.get(source.name))
        except SourceError as exc:
            return exc
        except Exception as exc:  # a bug in one source must not stop the others
            log.exception("source %s crashed", source.name)
            return SourceError(f"unexpected {type(exc).__name__}: {exc}")

    if not sources:
        return {}
    with ThreadPoolExecutor(max_workers=min(MAX_FETCH_WORKERS, len(sources))) as pool:
        return dict(zip((s.name for s in sources), pool.map(one, sources)))


class Pipeline:
    def __init__(self, runtime: Runtime, *, http: httpx.Client | None = None) -> None:
        self.runtime = runtime
        self.http = http or httpx.Client(follow_redirects=False, headers={"User-Agent": "complaint-bot/0.1"})

    def sources(self) -> list[Source]:
        return [build_source(c, self.http) for c in self.runtime.config.sources if c.enabled]

    def poll(self, *, dry_run: bool = False) -> PollReport:
        runtime = self.runtime
        now = runtime.clock()
        with session_scope(runtime.sessions) as session:
            states = {s.name: s for s in session.scalars(select(SourceState))}
            relevance = relevance_filter(runtime, session)
        due = [s for s in self.sources() if not _backing_off(states.get(s.name), now)]
        results = fetch_all(due, {s.name: (states[s.name].cursor if s.name in states else None) for s in due})
        report = PollReport()
        for source in due:
            result = results[source.name]
            if dry_run:
                report.sources.append(self._preview(source, result, relevance, report.previews))
                continue
            if not isinstance(result, SourceError):
                try:
                    with session_scope(runtime.sessions) as session:
                        report.sources.append(self._ingest(session, source, result, relevance, runtime.clock()))
                    continue
                except Exception as exc:  # rolled back, cursor not moved: the batch is fetched again next time
                    log.exception("storing %s's batch failed", source.name)
                    result = SourceError(f"could not store this batch ({type(exc).__name__}); it will be fetched again")
            with session_scope(runtime.sessions) as session:
                report.sources.append(_record_failure(session, source, result, runtime.clock()))
        return report

    def _preview(
        self, source: Source, result: FetchResult | SourceError, relevance: RelevanceFilter, previews: list[CaseView]
    ) -> SourceReport:
        report = SourceReport(source.name)
        if isinstance(result, SourceError):
            report.error = str(result)
            return report
        report.fetched = len(result.mentions)
        for mention in result.mentions:
            if relevance.why_dropped(text=mention_text(mention), author=mention.author):
                continue
            report.relevant += 1
            assessment = assess_mention(
                mention, self.runtime.classifier, self.runtime.config.classifier, brand_terms=self.runtime.config.brand.terms
            )
            if assessment.negative:
                report.negative += 1
                previews.append(preview_view(len(previews) + 1, mention, assessment, self.runtime.clock()))
        return report

    def _ingest(
        self, session: Session, source: Source, result: FetchResult, relevance: RelevanceFilter, now: datetime
    ) -> SourceReport:
        report = SourceReport(source.name, fetched=len(result.mentions))
        similar = near_duplicates(session, now)
        for mention in result.mentions:
            outcome = ingest_mention(self.runtime, session, mention, relevance, now, similar=similar)
            report.relevant += outcome.kind != Outcome.DROPPED
            report.duplicates += outcome.kind == Outcome.DUPLICATE
            report.negative += outcome.kind in (Outcome.NEW_CASE, Outcome.JOINED)
            report.joined += outcome.kind == Outcome.JOINED
        state = _state(session, source)
        state.cursor = result.cursor
        state.last_polled_at = state.last_success_at = now
        state.consecutive_failures = 0
        state.backoff_until = None
        state.items_seen += len(result.mentions)
        if state.failure_reported_at is not None:
            state.failure_reported_at = None
            enqueue(session=session, case_id=None, kind="channel_message", at=now, text=source_recovered(source.name))
        return report


class Outcome(StrEnum):
    DROPPED = "dropped"  # not about the brand, excluded, or a muted author
    DUPLICATE = "duplicate"  # seen before (same item or same page)
    STORED = "stored"  # kept, not negative
    NEW_CASE = "new_case"
    JOINED = "joined"  # near-identical to an open case: joined it


@dataclass(frozen=True)
class Ingested:
    kind: Outcome
    case_id: int | None = None


def ingest_mention(
    runtime: Runtime,
    session: Session,
    mention: Mention,
    relevance: RelevanceFilter,
    now: datetime,
    *,
    similar: NearDuplicates | None = None,
    require_term: bool = True,
) -> Ingested:
    """Filter, dedupe, classify and store one mention; open or join a case if it is negative."""
    if relevance.why_dropped(text=mention_text(mention), author=mention.author, require_term=require_term):
        return Ingested(Outcome.DROPPED)
    canonical = canonical_url(mention.url)
    existing = session.scalars(select(MentionRecord).where(_same_mention(mention, canonical)).limit(1)).first()
    if existing is not None:
        return Ingested(Outcome.DUPLICATE, existing.case_id)
    config = runtime.config.classifier
    assessment = assess_mention(
        mention, runtime.classifier, config, lambda: _recent_negative_by(session, mention.author, now), brand_terms=runtime.config.brand.terms
    )
    record = _mention_record(mention, canonical, assessment, now)
    session.add(record)
    session.flush()
    if not assessment.negative:
        return Ingested(Outcome.STORED)
    similar = similar or near_duplicates(session, now)
    joined = similar.find(record.fingerprint)
    if joined is None:
        case = open_case(session, record, assessment.triage, now)
        similar.add(record.fingerprint, case.id)
        _notify_manager_if_severe(runtime, session, case, now)
        return Ingested(Outcome.NEW_CASE, case.id)
    record.case_id = joined
    record_event(session=session, case_id=joined, actor="bot", action="similar_joined", at=now, mention_id=record.id, url=mention.url)
    enqueue(session=session, case_id=joined, kind="update_card", at=now)
    return Ingested(Outcome.JOINED, joined)


def open_case(session: Session, record: MentionRecord, triage: Triage, now: datetime) -> Case:
    case = Case(
        status=CaseStatus.OPEN, severity=triage.severity, topics=list(triage.topics), troll=triage.troll, detected_at=now
    )
    session.add(case)
    session.flush()
    record.case_id = case.id
    session.flush()
    record_event(session=session, case_id=case.id, actor="bot", action="detected", at=now, score=record.score, source=record.source_name)
    enqueue(session=session, case_id=case.id, kind="post_card", at=now)
    return case


NOTIFY_LEVELS = {"critical": ("critical",), "high": ("high", "critical"), "never": ()}


def _notify_manager_if_severe(runtime: Runtime, session: Session, case: Case, now: datetime) -> None:
    """A high-severity case reaches the first manager at once, not only the channel."""
    managers = runtime.config.slack.managers
    if not managers or case.severity not in NOTIFY_LEVELS[runtime.config.classifier.notify_manager_at]:
        return
    view = case_view(case)
    enqueue(session=session, case_id=case.id, kind="dm", at=now, user=managers[0], text=card_text(view), blocks=urgent_case_dm(view))


def _mention_record(mention: Mention, canonical: str, assessment: Assessment, now: datetime) -> MentionRecord:
    return MentionRecord(
        source_kind=mention.source_kind,
        source_name=mention.source_name,
        external_id=mention.external_id[:500],
        url=mention.url,
        canonical_url=canonical[:2000],
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
        fingerprint=fingerprint(mention_text(mention)),
    )


def preview_view(number: int, mention: Mention, assessment: Assessment, now: datetime) -> CaseView:
    return CaseView(
        case_id=number,
        status=CaseStatus.OPEN,
        source_kind=mention.source_kind,
        source_name=mention.source_name,
        url=mention.url,
        title=mention.title,
        text=mention.text,
        author=mention.author,
        published_at=mention.published_at,
        detected_at=now,
        score=assessment.score,
        reasons=assessment.reasons + assessment.triage.reasons,
        evidence=assessment.evidence,
        severity=assessment.triage.severity,
        topics=assessment.triage.topics,
        troll=assessment.triage.troll,
        rating=mention.rating,
        reach=mention.reach,
    )


def _same_mention(mention: Mention, canonical: str):  # type: ignore[no-untyped-def]
    """Same item at the same source, or the same page under any source."""
    return or_(
        (MentionRecord.source_kind == mention.source_kind) & (MentionRecord.external_id == mention.external_id[:500]),
        MentionRecord.canonical_url == canonical[:2000],
    )


def _recent_negative_by(session: Session, author: str, now: datetime) -> int:
    if not author:
        return 0
    return session.scalar(
        select(func.count(MentionRecord.id)).where(
            MentionRecord.author == author[:500],
            MentionRecord.case_id.is_not(None),
            MentionRecord.detected_at >= now - NEAR_DUPLICATE_WINDOW,
        )
    ) or 0


def near_duplicates(session: Session, now: datetime) -> NearDuplicates:
    """Open cases of the last week that a repost of them would join."""
    known = session.execute(
        select(MentionRecord.fingerprint, MentionRecord.case_id)
        .join(Case, Case.id == MentionRecord.case_id)
        .where(
            Case.status.in_((CaseStatus.OPEN, CaseStatus.CLAIMED, CaseStatus.ESCALATED)),
            Case.detected_at >= now - NEAR_DUPLICATE_WINDOW,
            MentionRecord.fingerprint.is_not(None),
        )
        .order_by(MentionRecord.case_id)
    )
    return NearDuplicates([(fp, case_id) for fp, case_id in known])


def _state(session: Session, source: Source) -> SourceState:
    state = session.get(SourceState, source.name)
    if state is None:
        state = SourceState(name=source.name, kind=source.kind, consecutive_failures=0, items_seen=0)
        session.add(state)
    return state


def _backing_off(state: SourceState | None, now: datetime) -> bool:
    return state is not None and state.backoff_until is not None and state.backoff_until > now


def _record_failure(session: Session, source: Source, error: SourceError, now: datetime) -> SourceReport:
    state = _state(session, source)
    state.last_polled_at = state.last_error_at = now
    state.last_error = str(error)[:2000]
    if isinstance(error, SourceDisabled):  # a setup problem, shown by `check` and `/complaint sources`, not a failure
        return SourceReport(source.name, error=str(error))
    state.consecutive_failures += 1
    if state.consecutive_failures >= REPORT_FAILURES_AFTER and state.failure_reported_at is None:
        state.failure_reported_at = now
        enqueue(session=session, case_id=None, kind="channel_message", at=now,
                text=source_failing(source.name, state.consecutive_failures, state.last_success_at, str(error)))
    if isinstance(error, SourceRateLimited) and error.retry_after:
        pause = timedelta(seconds=error.retry_after)
    else:
        pause = timedelta(minutes=min(2 ** (state.consecutive_failures - 1), 60)) if state.consecutive_failures > 1 else timedelta(0)
    state.backoff_until = now + pause if pause else None
    log.warning("source %s failed (%d in a row): %s", source.name, state.consecutive_failures, error)
    return SourceReport(source.name, error=str(error))


@dataclass(frozen=True)
class Reported:
    case_id: int
    existed: bool


def report_mention(runtime: Runtime, mention: Mention, *, reporter: str) -> Reported:
    """A person says this is a complaint: open a case (even if the detector disagreed) unless one exists."""
    now = runtime.clock()
    canonical = canonical_url(mention.url)
    with session_scope(runtime.sessions) as session:
        record = session.scalars(select(MentionRecord).where(_same_mention(mention, canonical))).first()
        if record is not None and record.case_id is not None:
            return Reported(record.case_id, existed=True)
        assessment = assess_mention(mention, runtime.classifier, runtime.config.classifier, brand_terms=runtime.config.brand.terms)
        if record is None:
            record = _mention_record(mention, canonical, assessment, now)
            session.add(record)
            session.flush()
        case = open_case(session, record, assessment.triage, now)
        record_event(session=session, case_id=case.id, actor=reporter, action="reported", at=now)
        return Reported(case.id, existed=False)
