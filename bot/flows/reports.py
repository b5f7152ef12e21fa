"""Numbers for people: `/complaint stats`, the App Home summary, the daily digest, spike alerts."""

from __future__ import annotations

import base64
import logging
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.classifier.similarity import spikes
from bot.config import SlaConfig
from bot.domain.outbox import ChannelMessage, DigestWithChart, QueuedMessage
from bot.domain.thresholds import higher_threshold
from bot.domain.views import DayVolume, DigestView, NearMiss, SourcePrecision
from bot.flows.incident_triggers import from_spike
from bot.runtime import Runtime
from bot.services import incident_views, outbox, reports
from bot.services.metrics import daily_counts, daily_volume, decided_cases, near_misses, oldest_unclaimed, period_numbers
from message_blocks.digest import (
    PRECISION_DAYS,
    digest_blocks,
    digest_text,
    incident_rows,
    is_quiet,
    metric_rows,
    precision_warning,
    spike_alert,
    stats_blocks,
)
from message_blocks.digest_chart import chart_alt_text, chart_filename, chart_title, digest_chart
from message_blocks.near_misses import near_miss_blocks, near_miss_text

log = logging.getLogger(__name__)

BASELINE_DAYS = 7
# Days of new-against-resolved on the digest's chart.
CHART_DAYS = 14
# How far under its source's threshold a mention may score and still be listed after the digest as a near miss.
NEAR_MISS_MARGIN = 0.2


def stats_reply(rt: Runtime, *, days: int) -> list[dict[str, Any]]:
    end = rt.clock()
    span = timedelta(days=days)
    with rt.transaction() as session:
        now = period_numbers(session=session, start=end - span, end=end, sla=rt.config.sla)
        before = period_numbers(session=session, start=end - 2 * span, end=end - span, sla=rt.config.sla)
        grouped = incident_views.numbers(session=session, start=end - span, end=end)
    return stats_blocks(days, now, before, grouped)


def week_rows(session: Session, *, now: datetime, sla: SlaConfig) -> list[tuple[str, str]]:
    """The App Home's "last 7 days" numbers, incidents included."""
    start = now - timedelta(days=7)
    return metric_rows(period_numbers(session=session, start=start, end=now, sla=sla)) + incident_rows(
        incident_views.numbers(session=session, start=start, end=now)
    )


def build_digest(rt: Runtime, *, end: datetime) -> DigestView:
    with rt.transaction() as session:
        current = period_numbers(session=session, start=end - timedelta(days=1), end=end, sla=rt.config.sla)
        previous = period_numbers(session=session, start=end - timedelta(days=2), end=end - timedelta(days=1), sla=rt.config.sla)
        waiting = tuple(oldest_unclaimed(session=session, now=end))
        today, history = daily_counts(session=session, end=end, days=BASELINE_DAYS)
        volume = daily_volume(session=session, end=end, days=CHART_DAYS)
        precision = precision_by_source(rt, session, end=end)
        grouped = incident_views.numbers(session=session, start=end - timedelta(days=1), end=end)
        near = near_misses_of(rt, session, start=end - timedelta(days=1), end=end)
    spiked = tuple((s.key, s.today, s.baseline) for s in spikes(today, history))
    return DigestView(current, previous, waiting, spiked, _days(rt, end, volume), precision=precision, incidents=grouped, near_misses=near)


def near_misses_of(rt: Runtime, session: Session, *, start: datetime, end: datetime) -> tuple[NearMiss, ...]:
    """The mentions of [start, end) that opened no case and scored within NEAR_MISS_MARGIN under their source's
    threshold, the [classifier] near_misses closest to it."""
    limit = rt.config.classifier.near_misses
    if not limit:
        return ()
    return tuple(
        near_misses(
            session=session, start=start, end=end, thresholds=rt.config.source_thresholds, default=rt.config.classifier.threshold,
            margin=NEAR_MISS_MARGIN, limit=limit,
        )
    )


def precision_by_source(rt: Runtime, session: Session, *, end: datetime) -> tuple[SourcePrecision, ...]:
    """The detector's precision per source from the team's decisions over the PRECISION_DAYS up to `end`, and what a
    higher threshold for the source would have done with them."""
    chosen = rt.config.classifier
    decided = decided_cases(session=session, start=end - timedelta(days=PRECISION_DAYS), end=end)
    # Only a configured source has a threshold of its own to raise (not the webhook's, nor a source since removed).
    thresholds = rt.config.source_thresholds
    return tuple(
        SourcePrecision(
            source, len(confirmed), len(false_alarms), chosen.precision_floor, chosen.precision_min_decisions,
            higher_threshold(confirmed, false_alarms, thresholds[source]) if source in thresholds else None,
        )
        for source, (confirmed, false_alarms) in sorted(decided.items())
    )


def warn_low_precision(rt: Runtime) -> list[str]:
    """One channel message when a source's precision falls below the floor; none again until it has recovered."""
    now = rt.clock()
    warned = []
    with rt.transaction() as session:
        for entry in precision_by_source(rt, session, end=now):
            if entry.decisions < entry.min_decisions:
                continue
            if not entry.below_floor:
                reports.clear_precision_warning(session=session, source=entry.source)
            elif reports.claim_precision_warning(session=session, source=entry.source, now=now):
                outbox.enqueue(session=session, case_id=None, message=ChannelMessage(text=precision_warning(entry)), at=now)
                warned.append(entry.source)
    return warned


def _days(rt: Runtime, end: datetime, volume: list[tuple[int, int]]) -> tuple[DayVolume, ...]:
    """Each 24-hour window named by the local date it starts on (a 09:00 digest's window is mostly that day)."""
    zone = rt.config.schedule.zone
    starts = [end - timedelta(days=len(volume) - n) for n in range(len(volume))]
    return tuple(DayVolume(start.astimezone(zone).strftime("%a %d"), new, resolved) for start, (new, resolved) in zip(starts, volume))


def digest_preview(rt: Runtime) -> list[dict[str, Any]]:
    """The digest as it stands now, and the near misses that would follow it."""
    view = build_digest(rt, end=rt.clock())
    return digest_blocks(view) + (near_miss_blocks(view.near_misses) if view.near_misses else [])


def scheduled_period_end(rt: Runtime) -> datetime:
    """Today's digest time in the configured zone (DST-aware), as the end of the period it covers."""
    zone = rt.config.schedule.zone
    local_now = rt.clock().astimezone(zone)
    at: time = rt.config.schedule.digest_time
    end = datetime.combine(local_now.date(), at, tzinfo=zone)
    if end > local_now:
        end -= timedelta(days=1)
    return end.astimezone(rt.clock().tzinfo)


def digest_already_posted(rt: Runtime, *, end: datetime) -> datetime | None:
    """The end of an already-posted digest period that overlaps the one ending at `end`, if there is one."""
    with rt.transaction() as session:
        return reports.digest_overlapping(session=session, period_end=end, period=timedelta(days=1))


def post_digest(rt: Runtime, *, end: datetime) -> bool:
    """Queue the digest for [end - 1 day, end) once: False if it was already posted (by us or a replica).

    The chart is drawn here and its PNG kept in the outbox row with the digest's blocks: the
    row is the whole digest, sent (or retried) as one, and the chart shows the numbers of the
    moment the digest was decided, however late it is delivered. A quiet day gets its one line.
    The near misses follow as a message of their own, queued with it (and after a quiet day's one line too: a day
    with nothing flagged is when a missed complaint matters most).
    """
    view = build_digest(rt, end=end)
    if is_quiet(view):
        message: QueuedMessage = ChannelMessage(text=digest_text(view), blocks=digest_blocks(view))
    else:
        message = DigestWithChart(
            blocks=digest_blocks(view),
            chart=base64.b64encode(digest_chart(view)).decode(),
            filename=chart_filename(view),
            title=chart_title(view),
            alt=chart_alt_text(view),
        )
    with rt.transaction() as session:
        if not reports.claim_digest_period(session=session, period_end=end, now=rt.clock()):
            log.info("digest for the period ending %s was already posted", end.isoformat())
            return False
        outbox.enqueue(session=session, case_id=None, message=message, at=rt.clock())
        if view.near_misses:
            near = ChannelMessage(text=near_miss_text(view.near_misses), blocks=near_miss_blocks(view.near_misses))
            outbox.enqueue(session=session, case_id=None, message=near, at=rt.clock())
    rt.drainer.drain()
    return True


def alert_spikes(rt: Runtime) -> list[str]:
    """Post one "possible systemic issue" message per topic or source whose last-24-hour volume spiked."""
    now = rt.clock()
    alerted = []
    with rt.transaction() as session:
        today, history = daily_counts(session=session, end=now, days=BASELINE_DAYS)
        # Topics first: a topic names the problem better than a source does, so it titles the incident its cases join.
        for spike in sorted(spikes(today, history), key=lambda s: not s.key.startswith("topic ")):
            if reports.claim_spike_alert(session=session, key=spike.key, day=now.date().isoformat(), now=now):
                incident_id = from_spike(session, key=spike.key, today=spike.today, usual=spike.baseline, now=now)
                text = spike_alert(spike.key, spike.today, spike.baseline, incident_id)
                outbox.enqueue(session=session, case_id=None, message=ChannelMessage(text=text), at=now)
                alerted.append(spike.key)
    return alerted
