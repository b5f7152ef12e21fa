"""One poll: fetch every source that is due, and ingest each one's batch.

Each source's batch is stored in one transaction together with its new cursor,
so a crash before the commit re-fetches the same items next time and a crash
after it leaves the cards waiting in the outbox: nothing is lost or posted twice.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx

from bot.classifier.language import preload
from bot.domain.outbox import ChannelMessage
from bot.domain.relevance import RelevanceFilter
from bot.domain.views import CaseView
from bot.flows import cycle_collector
from bot.flows.assessing import Judged
from bot.flows.http import http_client
from bot.flows.incident_triggers import from_burst
from bot.flows.ingest import POLLED, ActiveCases, Outcome, count_outcomes, ingest, judge, relevance_filter
from bot.flows.prejudge import prejudging
from bot.flows.reports import alert_spikes, warn_low_precision
from bot.runtime import Runtime
from bot.services import mentions, outbox, source_health
from bot.telemetry import POLL_SECONDS, SOURCE_ERRORS
from message_blocks import notes
from message_blocks.text import plural
from sources import FetchResult, Source, SourceError, build_source

log = logging.getLogger(__name__)

MAX_FETCH_WORKERS = 16


@dataclass
class SourceReport:
    name: str
    fetched: int = 0
    relevant: int = 0
    duplicates: int = 0
    negative: int = 0
    joined: int = 0
    # Stored without a card: in a language the detector cannot judge ([classifier] other_languages = "skip").
    set_aside: int = 0
    error: str | None = None
    # Why it was not fetched this time (still backing off after earlier failures).
    skipped: str | None = None
    # Fetched, but with something to know (more new items than the source's max_pages holds).
    warning: str = ""
    new_case_ids: list[int] = field(default_factory=list)

    @property
    def worked(self) -> bool:
        return self.error is None and self.skipped is None

    def describe(self) -> str:
        if self.skipped:
            return f"skipped: {self.skipped}"
        if self.error:
            return f"failed: {self.error}"
        seen = f", {self.duplicates} seen before" if self.duplicates else ""
        joined = f" ({self.joined} joined an existing case)" if self.joined else ""
        warned = f"; {self.warning}" if self.warning else ""
        aside = f", {self.set_aside} set aside in languages the detector cannot judge" if self.set_aside else ""
        return f"{self.fetched} fetched, {self.relevant} about the brand{seen}, {self.negative} negative{joined}{aside}{warned}"


@dataclass
class PollReport:
    sources: list[SourceReport] = field(default_factory=list)
    # Dry runs only: the cards that would be posted.
    previews: list[CaseView] = field(default_factory=list)

    @property
    def new_cases(self) -> int:
        return sum(s.negative - s.joined for s in self.sources)

    @property
    def fetched_anything(self) -> bool:
        """False when every source failed or was skipped (or none is enabled): the poll saw nothing."""
        return any(s.worked for s in self.sources)

    def summary(self) -> str:
        """One line for the log."""
        worked = [s for s in self.sources if s.worked]
        line = (
            f"poll: {len(worked)} of {plural(len(self.sources), 'source')} read, {plural(sum(s.fetched for s in worked), 'item')}, "
            f"{sum(s.relevant for s in worked)} about the brand, {plural(self.new_cases, 'new case')}"
        )
        failed = [f"{s.name} ({s.error})" for s in self.sources if s.error]
        skipped = [s.name for s in self.sources if s.skipped]
        warned = [f"{s.name} ({s.warning})" for s in worked if s.warning]
        return (
            line
            + (f"; failed: {', '.join(failed)}" if failed else "")
            + (f"; backing off: {', '.join(skipped)}" if skipped else "")
            + (f"; warnings: {', '.join(warned)}" if warned else "")
        )


def enabled_sources(rt: Runtime, http: httpx.Client) -> list[Source]:
    return [build_source(c, http) for c in rt.config.sources if c.enabled]


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


def poll(rt: Runtime, *, http: httpx.Client | None = None, sources: list[Source] | None = None, dry_run: bool = False) -> PollReport:
    """`sources`: built once by a long-running caller (the scheduler), so what they keep between polls (a Reddit or
    Google token, a Bluesky session) is kept; built here for a one-off poll."""
    if dry_run:
        return _poll(rt, http=http, sources=sources, dry_run=True)
    with POLL_SECONDS.time():
        return _poll(rt, http=http, sources=sources, dry_run=False)


def _poll(rt: Runtime, *, http: httpx.Client | None, sources: list[Source] | None, dry_run: bool) -> PollReport:
    now = rt.clock()
    with rt.transaction() as session:
        standings = source_health.standings(session=session)
        relevance = relevance_filter(rt, session)

    def backing_off(source: Source) -> str | None:
        standing = standings.get(source.name)
        if standing is None or standing.backoff_until is None or standing.backoff_until <= now:
            return None
        return f"backing off until {_local_time(standing.backoff_until, now, rt.config.schedule.zone)} after: {standing.last_error}"

    report = PollReport()
    if sources is None:
        sources = enabled_sources(rt, http or http_client())
    due = []
    for source in sources:
        if reason := backing_off(source):
            report.sources.append(SourceReport(source.name, skipped=reason))
        else:
            due.append(source)
    # The language identifier's tables (read once per process, 0.4 s) load while the sources answer.
    loading = threading.Thread(target=preload, name="identifier-load", daemon=True)
    loading.start()
    with cycle_collector.paused():
        results = fetch_all(due, {name: standing.cursor for name, standing in standings.items()})
    loading.join()
    active = ActiveCases()
    fetched = {name: result.mentions for name, result in results.items() if isinstance(result, FetchResult)}
    # A burst's thousands are judged on every core while each source judged before is stored.
    judging = None if dry_run else prejudging(rt.classifier, fetched, rt.config)
    try:
        for source in due:
            result = results[source.name]
            if dry_run:
                report.sources.append(_preview(rt, source, result, relevance, report.previews))
            elif isinstance(result, SourceError):
                report.sources.append(_failed(rt, source, result))
            else:
                report.sources.append(store_fetched(rt, source, result, active, judging.take(source.name) if judging else None))
    finally:
        if judging is not None:
            judging.close()
    if not dry_run:
        # Before anything is posted: a burst becomes one incident, whose card and one DM stand for its cases' own.
        from_burst(rt, case_ids=[case_id for s in report.sources for case_id in s.new_case_ids])
    return report


def poll_and_post(rt: Runtime, sources: list[Source]) -> None:
    """The scheduled poll of sources built once for the process: fetch, store, alert on spikes, post."""
    report = poll(rt, sources=sources)
    calm = all(s.error is None and not s.warning for s in report.sources)
    log.log(logging.INFO if calm else logging.WARNING, report.summary())
    if report.new_cases:
        alert_spikes(rt)
    warn_low_precision(rt)
    rt.drainer.drain()


def store_fetched(
    rt: Runtime, source: Source, result: FetchResult, active: ActiveCases, prejudged: Mapping[tuple[str, str], Judged] | None = None
) -> SourceReport:
    """One source's batch and its new cursor, in one transaction."""
    try:
        with rt.transaction() as session:
            now = rt.clock()
            ingested = ingest(rt, session=session, batch=result.mentions, intake=POLLED, now=now, active=active, prejudged=prejudged)
            outcomes = Counter(i.kind for i in ingested)
            if source_health.record_success(session=session, source=source, cursor=result.cursor, items=len(result.mentions), now=now):
                outbox.enqueue(session=session, case_id=None, message=ChannelMessage(text=notes.source_recovered(source.name)), at=now)
    except Exception as exc:  # rolled back, cursor not moved: the batch is fetched again next time
        log.exception("storing %s's batch failed", source.name)
        return _failed(rt, source, SourceError(f"could not store this batch ({type(exc).__name__}); it will be fetched again"))
    count_outcomes(source.name, len(result.mentions), outcomes)
    return SourceReport(
        source.name,
        fetched=len(result.mentions),
        relevant=len(result.mentions) - outcomes[Outcome.DROPPED],
        duplicates=outcomes[Outcome.DUPLICATE],
        negative=outcomes[Outcome.NEW_CASE] + outcomes[Outcome.JOINED],
        joined=outcomes[Outcome.JOINED],
        warning=result.warning,
        new_case_ids=[i.case_id for i in ingested if i.kind is Outcome.NEW_CASE and i.case_id is not None],
        set_aside=outcomes[Outcome.SET_ASIDE],
    )


def _failed(rt: Runtime, source: Source, error: SourceError) -> SourceReport:
    SOURCE_ERRORS.labels(source.name).inc()
    with rt.transaction() as session:
        now = rt.clock()
        failure = source_health.record_failure(session=session, source=source, error=error, now=now)
        if failure.announce:
            text = notes.source_failing(source.name, failure.in_a_row, failure.last_success_at, str(error))
            outbox.enqueue(session=session, case_id=None, message=ChannelMessage(text=text), at=now)
    return SourceReport(source.name, error=str(error))


def _local_time(moment: datetime, now: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return local.strftime("%H:%M %Z" if local.date() == now.astimezone(zone).date() else "%Y-%m-%d %H:%M %Z")


def _preview(
    rt: Runtime, source: Source, result: FetchResult | SourceError, relevance: RelevanceFilter, previews: list[CaseView]
) -> SourceReport:
    if isinstance(result, SourceError):
        return SourceReport(source.name, error=str(result))
    report = SourceReport(source.name, fetched=len(result.mentions), warning=result.warning)
    for mention, assessment in zip(result.mentions, judge(rt, result.mentions, relevance)):
        if assessment is None:
            continue
        report.relevant += 1
        report.set_aside += assessment.unscored and not assessment.negative
        if assessment.negative:
            report.negative += 1
            previews.append(mentions.preview(mention, assessment, rt.clock(), number=len(previews) + 1))
    return report
