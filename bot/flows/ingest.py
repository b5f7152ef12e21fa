"""The one way a mention enters: polled from a source, pushed to the webhook, or reported by a person.

Filter (brand terms, exclusions, muted authors) -> dedupe (same item or same page)
-> classify -> store -> open a case, or join a near-identical active one -> queue the
cards. All of it happens in the caller's transaction, so a batch and its source cursor
commit together.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from bot.classifier.similarity import NearDuplicates
from bot.domain.enums import Severity
from bot.domain.outbox import DirectMessage, PostCard, QueuedMessage, UpdateCard
from bot.domain.relevance import RelevanceFilter, mention_text
from bot.flows import cycle_collector
from bot.flows.assessing import Judged, OtherLanguageLlm, assess_mention, identify_languages
from bot.runtime import Runtime
from bot.services import mentions, outbox
from bot.services.mentions import Assessment, NewCase, NewMention, Stored, case_id, item_key, page_key
from bot.telemetry import count_intake
from message_blocks.card import card_text
from message_blocks.notes import urgent_case_dm
from sources import Mention

NOTIFY_LEVELS = {"critical": (Severity.CRITICAL,), "high": (Severity.HIGH, Severity.CRITICAL), "never": ()}


class Outcome(StrEnum):
    DROPPED = "dropped"  # not about the brand, excluded, or a muted author
    DUPLICATE = "duplicate"  # seen before (same item or same page)
    STORED = "stored"  # kept, not negative
    SET_ASIDE = "set_aside"  # kept without a card: in a language the detector cannot judge ([classifier] other_languages = "skip")
    NEW_CASE = "new_case"
    JOINED = "joined"  # near-identical to an active case: joined it


@dataclass(frozen=True)
class Ingested:
    kind: Outcome
    case_id: int | None = None


def count_outcomes(source: str, fetched: int, outcomes: Counter[Outcome]) -> None:
    """A committed batch's outcomes as the /metrics counters see them (a mention set aside counts as fetched only)."""
    negative = outcomes[Outcome.NEW_CASE] + outcomes[Outcome.JOINED]
    count_intake(source, fetched=fetched, stored=outcomes[Outcome.STORED] + negative, negative=negative, opened=outcomes[Outcome.NEW_CASE])


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


def relevance_filter(rt: Runtime, session: Session) -> RelevanceFilter:
    return RelevanceFilter.build(rt.config.brand.terms, rt.config.brand.exclude, mentions.muted_authors(session=session))


class ActiveCases:
    """The active cases a repost would join, shared by the batches of one poll.

    Loaded in full for the first batch that needs it; each later one reads only the mentions
    stored since (its predecessors' included, once committed), not thousands again. A case
    closed or reopened by someone else during the poll is seen as it was when the poll began.
    """

    def __init__(self) -> None:
        self._similar: NearDuplicates | None = None
        self._last_mention = 0

    def current(self, session: Session, now: datetime) -> NearDuplicates:
        rows = mentions.active_fingerprints(session=session, now=now, after=self._last_mention)
        if self._similar is None:
            self._similar = NearDuplicates([(print_, case) for _, print_, case in rows])
        else:
            for _, print_, case in rows:
                self._similar.add(print_, case)
        if rows:
            self._last_mention = rows[-1][0]
        return self._similar


def ingest(
    rt: Runtime, *, session: Session, batch: Sequence[Mention], intake: Intake, now: datetime, active: ActiveCases | None = None,
    prejudged: Mapping[tuple[str, str], Judged] | None = None,
) -> list[Ingested]:
    """One outcome per mention, in order. `active` carries the active cases from one batch of a poll to the next;
    `prejudged`, by item, the mentions judged ahead in worker processes (bot/flows/prejudge.py).

    A batch costs a few queries and a few bulk inserts, whatever its size: what is stored
    already and the authors' recent history are read once, decisions are made in memory
    (a later mention sees the cases the earlier ones opened), then everything is written.
    """
    with cycle_collector.paused_for(len(batch)):
        relevance = relevance_filter(rt, session)
        kept = [(m, item_key(m), page_key(m)) if intake.reporter is not None or not _dropped(relevance, m, intake) else None for m in batch]
        state = _Batch(rt, session, intake, now, [k for k in kept if k], active or ActiveCases(), prejudged or {})
        decided = [state.take(*k) if k else None for k in kept]
        mentions.store_batch(session=session, cases=state.cases, records=state.records, now=now)
        outbox.enqueue_all(session=session, messages=list(_messages(rt, [d for d in decided if d], now)), at=now)
        return [_outcome(d) for d in decided]


def _dropped(relevance: RelevanceFilter, mention: Mention, intake: Intake) -> bool:
    text = mention_text(mention.title, mention.text)
    require_term = intake.require_brand_term and not mention.about_the_brand
    return relevance.why_dropped(text=text, author=mention.author, require_term=require_term) is not None


Decision = tuple[Outcome, NewCase | int | None]
# A mention with its keys: the same item at the same source, the same page under any source.
Keyed = tuple[Mention, tuple[str, str], str]


def _outcome(decision: Decision | None) -> Ingested:
    if decision is None:
        return Ingested(Outcome.DROPPED)
    kind, case = decision
    return Ingested(kind, case_id(case))


class _Batch:
    """The decisions for one batch, made in memory against what the database held when it began."""

    def __init__(
        self, rt: Runtime, session: Session, intake: Intake, now: datetime, kept: list[Keyed], active: ActiveCases, prejudged: Mapping[tuple[str, str], Judged]
    ) -> None:
        self.rt, self.session, self.intake, self.now, self.active, self.prejudged = rt, session, intake, now, active, prejudged
        stored = mentions.already_stored(session=session, items={item for _, item, _ in kept}, pages={page for _, _, page in kept})
        self.items: dict[tuple[str, str], Stored | NewMention] = {(s.source_kind, s.external_id): s for s in stored}
        self.pages: dict[str, Stored | NewMention] = {s.canonical_url: s for s in stored}
        # Negative mentions per author in the last week, this batch's included as they are decided.
        self.authors = mentions.recent_negative_counts(session=session, authors={m.author[:500] for m, _, _ in kept}, now=now)
        # Active cases a repost would join: loaded once, when the first negative mention needs it.
        self.similar: NearDuplicates | None = None
        # Cases opened by this batch, by position in self.cases.
        self.similar_new = NearDuplicates([])
        self.cases: list[NewCase] = []
        self.records: list[NewMention] = []
        self.llm = OtherLanguageLlm(rt.other_languages_llm)
        # The languages of the mentions not stored before, identified together (a repost of the same item shares one).
        fresh = [(m, item) for m, item, page in kept if item not in self.items and page not in self.pages and item not in prejudged]
        self.languages = dict(zip((item for _, item in fresh), identify_languages([m for m, _ in fresh], rt.config)))
        # Looked up once: the whole batch is scored by one model (a newly chosen one takes over at the next batch).
        self.classifier = rt.classifier

    def take(self, mention: Mention, item: tuple[str, str], page: str) -> Decision:
        reporter = self.intake.reporter
        existing = self.items.get(item) or self.pages.get(page)
        if existing is not None and not (reporter and existing.case is None):
            return Outcome.DUPLICATE, existing.case
        author = mention.author[:500]
        ahead = self.prejudged.get(item)
        assessment = assess_mention(
            mention,
            self.classifier,
            self.rt.config,
            lambda: self.authors[author],
            reported=reporter is not None,
            llm=self.llm,
            identified=self.languages.get(item),
            prejudged=ahead,
        )
        if reporter is not None:
            return self._reported(mention, item, page, existing, assessment, reporter)
        record = NewMention(mention, assessment, page)
        if ahead is not None and ahead.fingerprinted:
            record.fingerprint = ahead.fingerprint
        self.records.append(record)
        self.items[item] = self.pages[page] = record
        if not assessment.negative:
            return (Outcome.SET_ASIDE if assessment.unscored else Outcome.STORED), None
        joined = self._similar_case(record.fingerprint)
        if joined is not None:
            record.case, record.joined = joined, True
            self._count(record)
            return Outcome.JOINED, joined
        case = self._open(record, assessment, None)
        self.similar_new.add(record.fingerprint, len(self.cases) - 1)
        return Outcome.NEW_CASE, case

    def _reported(
        self, mention: Mention, item: tuple[str, str], page: str, existing: Stored | NewMention | None, assessment: Assessment, reporter: str
    ) -> Decision:
        """A person says it is a complaint: a case opens whatever the detector says. Two people reporting the same
        thing at once get one case: the mention is stored at once (yielding to a concurrent insert) and locked before
        its case opens, so the slower report sees the faster one's case."""
        if existing is None:
            existing = mentions.store_unless_stored(session=self.session, mention=mention, assessment=assessment, now=self.now)
            if existing is None:  # the other report stored it first
                existing = mentions.already_stored(session=self.session, items={item}, pages={page})[0]
            self.items[item] = self.pages[page] = existing
        if isinstance(existing, Stored) and (given := mentions.case_given_meanwhile(session=self.session, mention_id=existing.id)):
            existing.case = given
            return Outcome.DUPLICATE, given
        return Outcome.NEW_CASE, self._open(existing, assessment, reporter)

    def _open(self, opener: NewMention | Stored, assessment: Assessment, reporter: str | None) -> NewCase:
        assert assessment.triage is not None  # negative or reported: triaged
        case = NewCase(assessment.triage, opener, reporter)
        opener.case = case
        self.cases.append(case)
        if isinstance(opener, NewMention):
            self._count(opener)
        return case

    def _count(self, record: NewMention) -> None:
        if record.mention.author:
            self.authors[record.mention.author[:500]] += 1

    def _similar_case(self, print_: str | None) -> NewCase | int | None:
        """An active case stored before this batch, else one this batch opened, that this text repeats."""
        if self.similar is None:
            self.similar = self.active.current(self.session, self.now)
        found = self.similar.find(print_)
        if found is not None:
            return found
        opened = self.similar_new.find(print_)
        return None if opened is None else self.cases[opened]


def _messages(rt: Runtime, decided: Iterable[Decision], now: datetime) -> Iterator[tuple[int | None, QueuedMessage]]:
    """In the batch's order: each new case's card (and a manager's DM if it is severe), one update per case stored before that others joined.

    A case opened in this batch needs no update for what joined it: its card is posted with them.
    """
    updated: set[int] = set()
    for kind, case in decided:
        if kind is Outcome.NEW_CASE and isinstance(case, NewCase):
            yield case.id, PostCard()
            if case.reporter is None:
                yield from _manager_dm(rt, case, now)
        elif kind is Outcome.JOINED and isinstance(case, int) and case not in updated:
            updated.add(case)
            yield case, UpdateCard()


def _manager_dm(rt: Runtime, case: NewCase, now: datetime) -> Iterator[tuple[int | None, QueuedMessage]]:
    """A high-severity case reaches the first manager at once, not only the channel."""
    managers = rt.config.slack.managers
    if not managers or case.triage.severity not in NOTIFY_LEVELS[rt.config.classifier.notify_manager_at]:
        return
    opener = case.opener
    assert isinstance(opener, NewMention) and case.id is not None
    view = mentions.preview(opener.mention, opener.assessment, now, number=case.id)
    # The card is not posted yet: the drainer adds its link when it is (link_card).
    yield case.id, DirectMessage(user=managers[0], text=card_text(view), blocks=urgent_case_dm(view), link_card=True)


def judge(rt: Runtime, batch: Sequence[Mention], relevance: RelevanceFilter) -> list[Assessment | None]:
    """For a dry run: each relevant mention's assessment, None for one that would be dropped. Stores nothing."""
    kept = [None if relevance.why_dropped(text=mention_text(m.title, m.text), author=m.author, require_term=not m.about_the_brand) else m for m in batch]
    languages = iter(identify_languages([m for m in kept if m], rt.config))
    llm = OtherLanguageLlm(rt.other_languages_llm)
    return [assess_mention(m, rt.classifier, rt.config, llm=llm, identified=next(languages)) if m else None for m in kept]
