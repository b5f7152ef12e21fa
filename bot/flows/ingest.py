"""The one way a mention enters: polled from a source, pushed to the webhook, or reported by a person.

Filter (brand terms, exclusions, muted authors) -> dedupe (same item or same page)
-> classify -> store -> open a case, or join a near-identical active one. All of it
happens in the caller's transaction, so a batch and its source cursor commit together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from bot.classifier import Classifier
from bot.classifier.similarity import NearDuplicates
from bot.classifier.triage import assess
from bot.config import AppConfig
from bot.db.enums import OutboxKind, Severity
from bot.db.models import MentionRecord
from bot.domain.relevance import RelevanceFilter, mention_text
from bot.runtime import Runtime
from bot.services import mentions, outbox
from bot.services.events import record_event
from bot.services.mentions import Assessment
from message_blocks.card import card_text
from message_blocks.notes import urgent_case_dm
from message_blocks.views import CaseView
from sources import Mention

NOTIFY_LEVELS = {"critical": (Severity.CRITICAL,), "high": (Severity.HIGH, Severity.CRITICAL), "never": ()}


class Outcome(StrEnum):
    DROPPED = "dropped"  # not about the brand, excluded, or a muted author
    DUPLICATE = "duplicate"  # seen before (same item or same page)
    STORED = "stored"  # kept, not negative
    NEW_CASE = "new_case"
    JOINED = "joined"  # near-identical to an active case: joined it


@dataclass(frozen=True)
class Ingested:
    kind: Outcome
    case_id: int | None = None


@dataclass(frozen=True)
class Intake:
    """How mentions arrived, which decides what applies to them."""

    # The webhook's sender already matched the brand; exclusions and muted authors still apply.
    require_brand_term: bool = True
    # A person says it is a complaint: no filter, and a case opens whatever the detector says.
    reporter: str | None = None


POLLED = Intake()
PUSHED = Intake(require_brand_term=False)


def reported_by(user_id: str) -> Intake:
    return Intake(require_brand_term=False, reporter=user_id)


def assess_mention(
    mention: Mention, classifier: Classifier, config: AppConfig, author_history: Callable[[], int] = lambda: 0
) -> Assessment:
    """`author_history` (the author's recent negative mentions) is only asked for when the verdict is negative."""
    text = mention_text(mention.title, mention.text)
    verdict = classifier.classify(text, rating=mention.rating, brand_terms=config.brand.terms)
    negative = verdict.score >= config.classifier.threshold
    triage = assess(
        text,
        score=verdict.score,
        reach=mention.reach,
        rating=mention.rating,
        config=config.classifier,
        author_recent_negative=author_history() if negative else 0,
    )
    return Assessment(verdict.score, verdict.reasons, negative, triage, verdict.evidence)


def relevance_filter(rt: Runtime, session: Session) -> RelevanceFilter:
    return RelevanceFilter.build(rt.config.brand.terms, rt.config.brand.exclude, mentions.muted_authors(session=session))


def ingest(rt: Runtime, *, session: Session, batch: Sequence[Mention], intake: Intake, now: datetime) -> list[Ingested]:
    """One outcome per mention, in order."""
    batch_state = _Batch(rt, session, intake, now, relevance_filter(rt, session))
    return [batch_state.take(mention) for mention in batch]


@dataclass
class _Batch:
    rt: Runtime
    session: Session
    intake: Intake
    now: datetime
    relevance: RelevanceFilter
    # Active cases a repost would join: loaded once, when the first negative mention needs it.
    similar: NearDuplicates | None = None

    def take(self, mention: Mention) -> Ingested:
        session, now, reporter = self.session, self.now, self.intake.reporter
        text = mention_text(mention.title, mention.text)
        if reporter is None and self.relevance.why_dropped(text=text, author=mention.author, require_term=self.intake.require_brand_term):
            return Ingested(Outcome.DROPPED)
        existing = mentions.find_same(session=session, mention=mention)
        if existing is not None and not (reporter and existing.case_id is None):
            return Ingested(Outcome.DUPLICATE, existing.case_id)
        assessment = assess_mention(
            mention, self.rt.classifier, self.rt.config, lambda: mentions.recent_negative_by(session=session, author=mention.author, now=now)
        )
        if reporter is not None:
            return self._reported(mention, existing, assessment, reporter)
        record = mentions.store(session=session, mention=mention, assessment=assessment, now=now)
        if not assessment.negative:
            return Ingested(Outcome.STORED)
        if self.similar is None:
            self.similar = mentions.near_duplicates(session=session, now=now)
        joined = self.similar.find(record.fingerprint)
        if joined is not None:
            mentions.join_case(session=session, record=record, case_id=joined, now=now)
            return Ingested(Outcome.JOINED, joined)
        case = mentions.open_case(session=session, record=record, triage=assessment.triage, now=now)
        self.similar.add(record.fingerprint, case.case_id)
        _notify_manager_if_severe(self.rt, session, case, now)
        return Ingested(Outcome.NEW_CASE, case.case_id)

    def _reported(self, mention: Mention, existing: MentionRecord | None, assessment: Assessment, reporter: str) -> Ingested:
        """A case opens whatever the detector says; two people reporting the same thing at once get one case."""
        session, now = self.session, self.now
        if existing is None:
            record = mentions.store_unless_stored(session=session, mention=mention, assessment=assessment, now=now)
            if record is None:  # the other report stored it first (and waited for us to see it)
                existing = mentions.find_same(session=session, mention=mention)
                assert existing is not None
        if existing is not None:
            if not mentions.reserve_for_case(session=session, record=existing):
                return Ingested(Outcome.DUPLICATE, existing.case_id)
            record = existing
        case = mentions.open_case(session=session, record=record, triage=assessment.triage, now=now)
        record_event(session=session, case_id=case.case_id, actor=reporter, action="reported", at=now)
        return Ingested(Outcome.NEW_CASE, case.case_id)


def _notify_manager_if_severe(rt: Runtime, session: Session, case: CaseView, now: datetime) -> None:
    """A high-severity case reaches the first manager at once, not only the channel."""
    managers = rt.config.slack.managers
    if not managers or case.severity not in NOTIFY_LEVELS[rt.config.classifier.notify_manager_at]:
        return
    # The card is not posted yet: the drainer adds its link when it is (link_card).
    outbox.enqueue(
        session=session, case_id=case.case_id, kind=OutboxKind.DM, at=now, user=managers[0], text=card_text(case), blocks=urgent_case_dm(case),
        link_card=True,
    )


def judge(rt: Runtime, mention: Mention, relevance: RelevanceFilter) -> Assessment | None:
    """For a dry run: the assessment of a relevant mention, None if it would be dropped. Stores nothing."""
    if relevance.why_dropped(text=mention_text(mention.title, mention.text), author=mention.author):
        return None
    return assess_mention(mention, rt.classifier, rt.config)
