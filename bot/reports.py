"""Numbers for people: `/complaint stats`, the App Home summary, the daily digest."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.classifier.similarity import spikes
from bot.db.models import DigestRun, SpikeAlert
from bot.db.session import session_scope
from bot.runtime import Runtime
from bot.services.cases import enqueue
from bot.services.metrics import daily_counts, oldest_unclaimed, period_numbers
from bot.services.views import case_view
from bot.settings import SlaConfig
from message_blocks.card import duration
from message_blocks.digest import digest_blocks, digest_text, spike_alert, stats_blocks
from message_blocks.views import DigestView

log = logging.getLogger(__name__)

BASELINE_DAYS = 7


def stats_reply(rt: Runtime, *, days: int) -> list[dict[str, Any]]:
    end = rt.clock()
    span = timedelta(days=days)
    with session_scope(rt.sessions) as session:
        now = period_numbers(session=session, start=end - span, end=end, sla=rt.config.sla)
        before = period_numbers(session=session, start=end - 2 * span, end=end - span, sla=rt.config.sla)
    return stats_blocks(days, now, before)


def metric_rows(session: Session, *, now: datetime, days: int, sla: SlaConfig) -> list[tuple[str, str]]:
    numbers = period_numbers(session=session, start=now - timedelta(days=days), end=now, sla=sla)
    if not (numbers.new or numbers.resolved or numbers.backlog):
        return []

    def median(seconds: float | None) -> str:
        return "—" if seconds is None else duration(timedelta(seconds=seconds))

    return [
        ("New", str(numbers.new)),
        ("Resolved", str(numbers.resolved)),
        ("Open now", str(numbers.backlog)),
        ("SLA breaches", str(numbers.claim_breaches + numbers.resolve_breaches)),
        ("Median time to claim", median(numbers.time_to_claim.median)),
        ("Median time to resolve", median(numbers.time_to_resolve.median)),
    ]


def build_digest(rt: Runtime, *, end: datetime) -> DigestView:
    with session_scope(rt.sessions) as session:
        current = period_numbers(session=session, start=end - timedelta(days=1), end=end, sla=rt.config.sla)
        previous = period_numbers(session=session, start=end - timedelta(days=2), end=end - timedelta(days=1), sla=rt.config.sla)
        waiting = tuple(case_view(c) for c in oldest_unclaimed(session=session, now=end))
        today, history = daily_counts(session=session, end=end, days=BASELINE_DAYS)
    spiked = tuple((s.key, s.today, s.baseline) for s in spikes(today, history))
    return DigestView(current, previous, waiting, spiked)


def digest_preview(rt: Runtime) -> list[dict[str, Any]]:
    return digest_blocks(build_digest(rt, end=rt.clock()))


def scheduled_period_end(rt: Runtime) -> datetime:
    """Today's digest time in the configured zone (DST-aware), as the end of the period it covers."""
    zone = rt.config.schedule.zone
    local_now = rt.clock().astimezone(zone)
    at: time = rt.config.schedule.digest_time
    end = datetime.combine(local_now.date(), at, tzinfo=zone)
    if end > local_now:
        end -= timedelta(days=1)
    return end.astimezone(rt.clock().tzinfo)


def post_digest(rt: Runtime, *, end: datetime) -> bool:
    """Queue the digest for [end - 1 day, end) once: False if it was already posted (by us or a replica)."""
    view = build_digest(rt, end=end)
    try:
        with session_scope(rt.sessions) as session:
            session.add(DigestRun(period_end=end, posted_at=rt.clock()))
            session.flush()
            enqueue(session=session, case_id=None, kind="channel_message", at=rt.clock(), text=digest_text(view), blocks=digest_blocks(view))
    except IntegrityError:
        log.info("digest for the period ending %s was already posted", end.isoformat())
        return False
    rt.drainer.drain()
    return True


def alert_spikes(rt: Runtime) -> list[str]:
    """Post one "possible systemic issue" message per topic or source whose last-24-hour volume spiked."""
    now = rt.clock()
    with session_scope(rt.sessions) as session:
        today, history = daily_counts(session=session, end=now, days=BASELINE_DAYS)
    alerted = []
    for spike in spikes(today, history):
        try:
            with session_scope(rt.sessions) as session:
                session.add(SpikeAlert(key=spike.key, day=now.date().isoformat(), alerted_at=now))
                session.flush()
                enqueue(session=session, case_id=None, kind="channel_message", at=now, text=spike_alert(spike.key, spike.today, spike.baseline))
        except IntegrityError:
            continue  # already alerted today
        alerted.append(spike.key)
    return alerted
