"""Plain data the builders take: never ORM objects or sessions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.enums import Severity
from bot.domain.thresholds import ThresholdAdvice


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
    # The passage of the text that weighed most in the verdict, unescaped.
    evidence: str = ""
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
    # The incident it is part of, if any.
    incident_id: int | None = None
    # The language of the mention (ISO 639-1), when identified with confidence.
    language: str | None = None
    # In a language the detector cannot judge: `score` means nothing, a person judges it.
    unscored: bool = False


@dataclass(frozen=True)
class IncidentView:
    """An incident as its card, DM and reports show it: counts over its cases (dismissed ones apart)."""

    incident_id: int
    title: str
    status: str
    origin: str
    opened_by: str
    opened_at: datetime
    owner: str | None = None
    claimed_at: datetime | None = None
    root_cause: str | None = None
    fixed_at: datetime | None = None
    closed_at: datetime | None = None
    escalated_to: str | None = None
    escalation_reason: str | None = None
    # Cases that are complaints, and those later marked "not a complaint" (still linked: nothing is lost).
    complaints: int = 0
    dismissed: int = 0
    # (name, count), most first.
    sources: tuple[tuple[str, int], ...] = ()
    topics: tuple[tuple[str, int], ...] = ()
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    # (case id, url, text, severity): the most severe, then most negative, complaints by different authors, unescaped.
    quotes: tuple[tuple[int, str, str, str], ...] = ()
    # Complaints detected in each of the last hours, oldest first.
    trend: tuple[int, ...] = ()
    # Follow-ups drafted when it was fixed, and how many reached their complainant (published, or replied by hand).
    follow_ups: int = 0
    loops_closed: int = 0
    channel_id: str | None = None
    message_ts: str | None = None


@dataclass(frozen=True)
class IncidentFollowUpView:
    """One complainant's drafted follow-up, with where it goes: published by Approve all, or replied by hand."""

    draft_id: int
    case_id: int
    purpose: str
    author: str
    source_kind: str
    url: str
    text: str
    publishable: bool
    published_at: datetime | None = None
    published_url: str | None = None


@dataclass(frozen=True)
class IncidentNumbers:
    """Incidents in a period: opened, fixed, how long fixing took, how many complaints each grouped, loops closed."""

    opened: int = 0
    fixed: int = 0
    time_to_fix: Timing = field(default_factory=lambda: Timing())
    complaints_per_incident: float | None = None
    loops_closed: int = 0


@dataclass(frozen=True)
class DraftOptions:
    tone: str = "warm"
    offer_gesture: bool = False
    move_offline: bool = True


@dataclass(frozen=True)
class DraftShown:
    """A draft as the modal shows it."""

    text: str
    checklist: tuple[str, ...] = ()
    # Why there is no draft to send (a troll), shown instead of one.
    note: str = ""
    # Who worded it ("playbook", "the LLM"): a new wording needs a new block_id for Slack to show it.
    written_by: str = "playbook"
    # The LLM writer is still at work: its wording will replace this draft.
    rewording: bool = False


@dataclass(frozen=True)
class ReplyDraftView:
    """A saved draft (a DraftPurpose) and how far publishing it got."""

    draft_id: int
    case_id: int
    purpose: str
    text: str
    saved_by: str
    saved_at: datetime
    publish_started_at: datetime | None = None
    published_at: datetime | None = None
    published_url: str | None = None
    publish_error: str | None = None


@dataclass(frozen=True)
class ReplyRoute:
    """Where a reply to the case goes: through the source's API when `publishable` (the Publish button), else by hand on the original."""

    source_kind: str
    original_url: str
    publishable: bool = False


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
    # New cases per language of the mention that opened them (None: undetermined), and mentions set aside
    # unposted per language ([classifier] other_languages = "skip"); most first.
    languages: tuple[tuple[str | None, int], ...] = ()
    set_aside: tuple[tuple[str | None, int], ...] = ()

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
class SourcePrecision:
    """How often the team agreed a source's cases were complaints: claimed or resolved as one, against "not a complaint"."""

    source: str
    confirmed: int
    false_alarms: int
    # The configured floor ([classifier] precision_floor) and how many decisions it needs before it is judged.
    floor: float = 0.0
    min_decisions: int = 1
    # A higher threshold for the source that would have served the same decisions better, if there is one.
    advice: ThresholdAdvice | None = None

    @property
    def decisions(self) -> int:
        return self.confirmed + self.false_alarms

    @property
    def precision(self) -> float | None:
        return self.confirmed / self.decisions if self.decisions else None

    @property
    def below_floor(self) -> bool:
        return self.decisions >= self.min_decisions and self.precision is not None and self.precision < self.floor


@dataclass(frozen=True)
class NearMiss:
    """A mention scored just under its source's threshold: it opened no case, and a person may know better."""

    mention_id: int
    source: str
    score: float
    threshold: float
    url: str
    title: str
    # What the detector read most strongly (its evidence), else the start of the text.
    excerpt: str


@dataclass(frozen=True)
class DigestView:
    current: PeriodNumbers
    previous: PeriodNumbers
    oldest_unclaimed: tuple[CaseView, ...] = ()
    # (what spiked, count today, usual count per day)
    spikes: tuple[tuple[str, int, float], ...] = ()
    # The days up to the period's end, oldest first, for the chart.
    days: tuple[DayVolume, ...] = ()
    # The detector's precision per source from the team's own decisions, over the last PRECISION_DAYS.
    precision: tuple[SourcePrecision, ...] = ()
    incidents: IncidentNumbers = IncidentNumbers()
    # Mentions scored just under their source's threshold, posted after the digest for a person to judge.
    near_misses: tuple[NearMiss, ...] = ()
