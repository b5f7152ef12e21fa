"""One poll: fetch every source that is due, and ingest each one's batch.

Each source's batch is stored in one transaction together with its new cursor,
so a crash before the commit re-fetches the same items next time and a crash
after it leaves the cards waiting in the outbox: nothing is lost or posted twice.
"""

from __future__ import annotations

import logging
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx

from bot.domain.relevance import RelevanceFilter
from bot.flows.ingest import POLLED, ActiveCases, Outcome, ingest, judge, relevance_filter
from bot.flows.reports import alert_spikes
from bot.runtime import Runtime
from bot.services import mentions, source_health
from message_blocks.views import CaseView
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
    error: str | None = None


@dataclass
class PollReport:
    sources: list[SourceReport] = field(default_factory=list)
    # Dry runs only: the cards that would be posted.
    previews: list[CaseView] = field(default_factory=list)

    @property
    def new_cases(self) -> int:
        return sum(s.negative - s.joined for s in self.sources)


def http_client() -> httpx.Client:
    return httpx.Client(follow_redirects=False, headers={"User-Agent": "complaint-bot/0.1"})


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


def poll(rt: Runtime, *, http: httpx.Client | None = None, dry_run: bool = False) -> PollReport:
    http = http or http_client()
    now = rt.clock()
    with rt.transaction() as session:
        standings = source_health.standings(session=session)
        relevance = relevance_filter(rt, session)

    def due(source: Source) -> bool:
        standing = standings.get(source.name)
        return standing is None or standing.backoff_until is None or standing.backoff_until <= now

    sources = [s for s in enabled_sources(rt, http) if due(s)]
    results = fetch_all(sources, {name: standing.cursor for name, standing in standings.items()})
    report = PollReport()
    active = ActiveCases()
    for source in sources:
        result = results[source.name]
        if dry_run:
            report.sources.append(_preview(rt, source, result, relevance, report.previews))
        elif isinstance(result, SourceError):
            report.sources.append(_failed(rt, source, result))
        else:
            report.sources.append(store_fetched(rt, source, result, active))
    return report


def poll_and_post(rt: Runtime, http: httpx.Client) -> None:
    """The scheduled poll: fetch, store, alert on spikes, post."""
    report = poll(rt, http=http)
    for source in report.sources:
        log.info("poll %s: %s", source.name, source)
    if report.new_cases:
        alert_spikes(rt)
    rt.drainer.drain()


def store_fetched(rt: Runtime, source: Source, result: FetchResult, active: ActiveCases) -> SourceReport:
    """One source's batch and its new cursor, in one transaction."""
    try:
        with rt.transaction() as session:
            now = rt.clock()
            outcomes = Counter(i.kind for i in ingest(rt, session=session, batch=result.mentions, intake=POLLED, now=now, active=active))
            source_health.record_success(session=session, source=source, cursor=result.cursor, items=len(result.mentions), now=now)
    except Exception as exc:  # rolled back, cursor not moved: the batch is fetched again next time
        log.exception("storing %s's batch failed", source.name)
        return _failed(rt, source, SourceError(f"could not store this batch ({type(exc).__name__}); it will be fetched again"))
    return SourceReport(
        source.name,
        fetched=len(result.mentions),
        relevant=len(result.mentions) - outcomes[Outcome.DROPPED],
        duplicates=outcomes[Outcome.DUPLICATE],
        negative=outcomes[Outcome.NEW_CASE] + outcomes[Outcome.JOINED],
        joined=outcomes[Outcome.JOINED],
    )


def _failed(rt: Runtime, source: Source, error: SourceError) -> SourceReport:
    with rt.transaction() as session:
        failures = source_health.record_failure(session=session, source=source, error=error, now=rt.clock())
    if failures:
        log.warning("source %s failed (%d in a row): %s", source.name, failures, error)
    return SourceReport(source.name, error=str(error))


def _preview(
    rt: Runtime, source: Source, result: FetchResult | SourceError, relevance: RelevanceFilter, previews: list[CaseView]
) -> SourceReport:
    if isinstance(result, SourceError):
        return SourceReport(source.name, error=str(result))
    report = SourceReport(source.name, fetched=len(result.mentions))
    for mention in result.mentions:
        assessment = judge(rt, mention, relevance)
        if assessment is None:
            continue
        report.relevant += 1
        if assessment.negative:
            report.negative += 1
            previews.append(mentions.preview(mention, assessment, rt.clock(), number=len(previews) + 1))
    return report
