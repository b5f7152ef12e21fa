"""Per-source cursor and health: what was read last, what failed, when to try again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import SourceState
from bot.domain.views import SourceHealthView
from bot.services.views import view_of
from sources import Cursor, Source, SourceConfig, SourceDisabled, SourceError, SourceRateLimited

# A source failing this many polls in a row is announced in the channel, once.
REPORT_FAILURES_AFTER = 5
MAX_BACKOFF_MINUTES = 60


@dataclass(frozen=True)
class Standing:
    """What a poll needs to know of a source before fetching."""

    cursor: Cursor | None
    backoff_until: datetime | None
    last_error: str | None = None


def standings(*, session: Session) -> dict[str, Standing]:
    return {s.name: Standing(s.cursor, s.backoff_until, s.last_error) for s in session.scalars(select(SourceState))}


def _state(session: Session, source: Source) -> SourceState:
    state = session.get(SourceState, source.name)
    if state is None:
        state = SourceState(name=source.name, kind=source.kind, consecutive_failures=0, items_seen=0)
        session.add(state)
    return state


@dataclass(frozen=True)
class Failure:
    """A failed poll as the source's record now stands; `announce` is true once, when it has failed long enough."""

    in_a_row: int
    announce: bool
    last_success_at: datetime | None


def record_success(*, session: Session, source: Source, cursor: Cursor, items: int, now: datetime) -> bool:
    """In the same transaction as the batch, so the cursor moves only if the batch was stored.

    True when the source had been announced as failing: the caller tells the channel it recovered."""
    state = _state(session, source)
    state.cursor = cursor
    state.last_polled_at = state.last_success_at = now
    state.consecutive_failures = 0
    state.backoff_until = None
    state.items_seen += items
    recovered = state.failure_reported_at is not None
    state.failure_reported_at = None
    return recovered


def record_failure(*, session: Session, source: Source, error: SourceError, now: datetime) -> Failure:
    """A disabled source counts no failure: it is a setup problem, not an outage."""
    state = _state(session, source)
    state.last_polled_at = state.last_error_at = now
    state.last_error = str(error)[:2000]
    if isinstance(error, SourceDisabled):
        return Failure(0, False, state.last_success_at)
    state.consecutive_failures += 1
    announce = state.consecutive_failures >= REPORT_FAILURES_AFTER and state.failure_reported_at is None
    if announce:
        state.failure_reported_at = now
    if isinstance(error, SourceRateLimited) and error.retry_after:
        pause = timedelta(seconds=error.retry_after)
    elif state.consecutive_failures > 1:
        pause = timedelta(minutes=min(2 ** (state.consecutive_failures - 1), MAX_BACKOFF_MINUTES))
    else:
        pause = timedelta(0)
    state.backoff_until = now + pause if pause else None
    return Failure(state.consecutive_failures, announce, state.last_success_at)


def health(*, session: Session, sources: Sequence[SourceConfig]) -> list[SourceHealthView]:
    """One line per configured source, whether or not it ever ran."""
    states = {s.name: s for s in session.scalars(select(SourceState))}
    views = []
    for config in sources:
        state = states.get(config.name)
        # A source that never ran has no state: its view keeps the defaults (no failures, nothing seen).
        views.append(view_of(SourceHealthView, state, name=config.name, kind=config.kind, enabled=config.enabled))
    return views
