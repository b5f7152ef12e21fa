"""Plain data the builders take: never ORM objects or sessions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.db.enums import Severity


@dataclass(frozen=True)
class CaseView:
    case_id: int
    status: str
    source_kind: str
    source_name: str
    url: str
    title: str
    text: str
    author: str
    published_at: datetime | None
    detected_at: datetime
    score: float
    reasons: tuple[str, ...] = ()
    severity: str = Severity.LOW
    topics: tuple[str, ...] = ()
    troll: bool = False
    rating: int | None = None
    reach: int | None = None
    assignee: str | None = None
    claimed_at: datetime | None = None
    escalated_to: str | None = None
    escalated_at: datetime | None = None
    escalation_reason: str | None = None
    resolved_at: datetime | None = None
    resolution: str | None = None
    root_cause: str | None = None
    first_response_at: datetime | None = None
    reply_url: str | None = None
    snoozed_until: datetime | None = None
    dismissed_reason: str | None = None
    similar_urls: tuple[str, ...] = field(default_factory=tuple)
    follow_up_user: str | None = None
    # Where the card is, once posted.
    channel_id: str | None = None
    message_ts: str | None = None


@dataclass(frozen=True)
class DraftOptions:
    tone: str = "warm"
    offer_gesture: bool = False
    move_offline: bool = True


@dataclass(frozen=True)
class EventView:
    at: datetime
    actor: str
    action: str


@dataclass(frozen=True)
class SourceHealthView:
    name: str
    kind: str
    enabled: bool
    last_success_at: datetime | None = None
    last_error_at: datetime | None = None
    last_error: str | None = None
    consecutive_failures: int = 0
    items_seen: int = 0


@dataclass(frozen=True)
class Timing:
    """Durations in seconds: nearest-rank median and 90th percentile over `count` cases."""

    count: int = 0
    median: float | None = None
    p90: float | None = None


@dataclass(frozen=True)
class PeriodNumbers:
    start: datetime
    end: datetime
    new: int = 0
    resolved: int = 0
    dismissed: int = 0
    false_positives: int = 0
    escalated: int = 0
    backlog: int = 0
    claim_breaches: int = 0
    resolve_breaches: int = 0
    time_to_claim: Timing = Timing()
    time_to_first_response: Timing = Timing()
    time_to_resolve: Timing = Timing()
    detection_delay: tuple[tuple[str, Timing], ...] = ()

    @property
    def closed(self) -> int:
        return self.resolved + self.dismissed

    @property
    def false_positive_rate(self) -> float | None:
        return self.false_positives / self.closed if self.closed else None


@dataclass(frozen=True)
class DayVolume:
    """One day of the digest's chart."""

    label: str
    new: int
    resolved: int


@dataclass(frozen=True)
class DigestView:
    current: PeriodNumbers
    previous: PeriodNumbers
    oldest_unclaimed: tuple[CaseView, ...] = ()
    # (what spiked, count today, usual count per day)
    spikes: tuple[tuple[str, int, float], ...] = ()
    # The days up to the period's end, oldest first, for the chart.
    days: tuple[DayVolume, ...] = ()
