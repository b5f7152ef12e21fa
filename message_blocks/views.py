"""Plain data the builders take: never ORM objects or sessions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


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
    severity: str = "low"
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
