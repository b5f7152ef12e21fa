"""The schema. Created and changed only through Alembic migrations."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, TypeDecorator, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.domain.enums import CaseStatus, IncidentStatus, Severity


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[str]: JSON}


class SourceState(Base):
    """Per-source cursor and health."""

    __tablename__ = "source_states"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(50))
    cursor: Mapped[dict[str, Any] | None]
    last_polled_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    items_seen: Mapped[int] = mapped_column(Integer, default=0)
    backoff_until: Mapped[datetime | None]
    # Set when a long failure was announced in the channel (once), cleared when the source recovers.
    failure_reported_at: Mapped[datetime | None]


class MentionRecord(Base):
    """Every relevant mention seen, negative or not; negative ones open or join a case."""

    __tablename__ = "mentions"
    __table_args__ = (
        Index("uq_mentions_source_item", "source_kind", "external_id", unique=True),
        # Detection delay per source over a period, read from the index alone.
        Index("ix_mentions_detected_delay", "detected_at", "source_name", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_kind: Mapped[str] = mapped_column(String(50))
    source_name: Mapped[str] = mapped_column(String(200))
    external_id: Mapped[str] = mapped_column(String(500))
    url: Mapped[str] = mapped_column(Text)
    canonical_url: Mapped[str] = mapped_column(String(2000), unique=True)
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    # Indexed: the troll signal counts an author's recent negative mentions.
    author: Mapped[str] = mapped_column(String(500), default="", index=True)
    published_at: Mapped[datetime | None]
    detected_at: Mapped[datetime] = mapped_column(default=utcnow)
    reach: Mapped[int | None]
    rating: Mapped[int | None]
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(default=list)
    # The passage that weighed most in the detector's verdict (plain text, at most ~300 characters).
    evidence: Mapped[str | None] = mapped_column(Text)
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    # What publishing a reply needs (the source's Mention.reply_to), for sources with a reply API.
    reply_to: Mapped[dict[str, Any] | None]
    # The language it is written in (ISO 639-1 code), when identified with confidence (migration 0005).
    language: Mapped[str | None] = mapped_column(String(16))
    # In a language the detector cannot judge, and no LLM judged it: `score` means nothing.
    unscored: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Case(Base):
    """A negative mention the team works on, with the near-duplicates that joined it."""

    __tablename__ = "cases"
    # Reports read one date range per question from an index that holds the columns it needs (migration 0004).
    __table_args__ = (
        Index("ix_cases_status_detected", "status", "detected_at"),
        Index("ix_cases_detected_steps", "detected_at", "claimed_at", "resolved_at"),
        Index("ix_cases_claimed_steps", "claimed_at", "detected_at"),
        Index("ix_cases_first_response_steps", "first_response_at", "detected_at"),
        Index("ix_cases_resolved_steps", "resolved_at", "status", "dismissed_reason", "detected_at"),
        Index("ix_cases_assignee_status", "assignee", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default=CaseStatus.OPEN)
    severity: Mapped[str] = mapped_column(String(20), default=Severity.LOW)
    topics: Mapped[list[str]] = mapped_column(default=list)
    troll: Mapped[bool] = mapped_column(Boolean, default=False)
    assignee: Mapped[str | None] = mapped_column(String(50))
    escalated_to: Mapped[str | None] = mapped_column(String(50))
    escalation_reason: Mapped[str | None] = mapped_column(Text)
    resolution: Mapped[str | None] = mapped_column(Text)
    # A RootCause, once resolved.
    root_cause: Mapped[str | None] = mapped_column(String(30))
    draft_text: Mapped[str | None] = mapped_column(Text)
    reply_url: Mapped[str | None] = mapped_column(Text)
    channel_id: Mapped[str | None] = mapped_column(String(50))
    message_ts: Mapped[str | None] = mapped_column(String(50))
    detected_at: Mapped[datetime] = mapped_column(default=utcnow)
    posted_at: Mapped[datetime | None]
    # Metrics and the digest select by when each step happened (indexes above).
    claimed_at: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None] = mapped_column(index=True)
    resolved_at: Mapped[datetime | None]
    # Why a case was dismissed (a DismissReason).
    dismissed_reason: Mapped[str | None] = mapped_column(String(30))
    snoozed_until: Mapped[datetime | None]
    # Each SLA breach is announced once: the UPDATE that sets these is conditional on NULL.
    claim_breach_notified_at: Mapped[datetime | None]
    resolve_breach_notified_at: Mapped[datetime | None]
    follow_up_at: Mapped[datetime | None]
    follow_up_user: Mapped[str | None] = mapped_column(String(50))
    follow_up_sent_at: Mapped[datetime | None]
    # When the case was last re-surfaced in the channel after a snooze ended.
    unsnoozed_at: Mapped[datetime | None]
    # The incident it is part of (at most one): it stops raising its own SLA reminders and DMs.
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)

    mentions: Mapped[list[MentionRecord]] = relationship(order_by=MentionRecord.id, lazy="selectin")

    @property
    def mention(self) -> MentionRecord:
        """The mention that opened the case."""
        return self.mentions[0]


class CaseEvent(Base):
    """Append-only history: who did what to which case, when."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(50))
    action: Mapped[str] = mapped_column(String(50))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class OutboxMessage(Base):
    """A Slack write decided in a transaction and performed after it commits.

    Rows are rendered from the case's current state when sent, so a retried
    update never shows stale data.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "sent_at", "not_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for messages about no single case (the digest).
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    # An OutboxKind.
    kind: Mapped[str] = mapped_column(String(30))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Set just before the Slack call: a row started but never sent means a crash mid-call.
    started_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class ReplyDraft(Base):
    """A draft saved for review (or written for the follow-up): the exact text the Publish button sends.

    Publishing happens at most once: `publish_started_at` is set by a conditional
    UPDATE committed before the network is called, and cleared only when the
    network definitely refused.
    """

    __tablename__ = "reply_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    # A DraftPurpose.
    purpose: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    saved_by: Mapped[str] = mapped_column(String(50))
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    publish_started_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    published_url: Mapped[str | None] = mapped_column(Text)
    publish_error: Mapped[str | None] = mapped_column(Text)
    # Drafted for an incident's complainants: one per case, incident and purpose, however many replicas draft it.
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))

    __table_args__ = (Index("uq_reply_drafts_incident_case", "incident_id", "case_id", "purpose", unique=True),)


class Incident(Base):
    """One systemic problem behind many cases: owned, fixed once, every complainant's loop closed from it."""

    __tablename__ = "incidents"
    __table_args__ = (Index("ix_incidents_status_opened", "status", "opened_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default=IncidentStatus.INVESTIGATING)  # an IncidentStatus
    # An IncidentOrigin, and for a spike or burst the key that made it (unique: replicas noticing it together open one).
    origin: Mapped[str] = mapped_column(String(20))
    trigger_key: Mapped[str | None] = mapped_column(String(300), unique=True)
    opened_by: Mapped[str] = mapped_column(String(50))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    owner: Mapped[str | None] = mapped_column(String(50))
    claimed_at: Mapped[datetime | None]
    # What was wrong and what fixed it, in the team's words: the follow-ups tell complainants this.
    root_cause: Mapped[str | None] = mapped_column(Text)
    fixed_at: Mapped[datetime | None] = mapped_column(index=True)
    closed_at: Mapped[datetime | None]
    # Where its card is, once posted.
    channel_id: Mapped[str | None] = mapped_column(String(50))
    message_ts: Mapped[str | None] = mapped_column(String(50))
    # The one escalation DM: who got it and where it is (redrawn in place as the incident grows).
    escalated_to: Mapped[str | None] = mapped_column(String(50))
    escalated_at: Mapped[datetime | None]
    escalation_reason: Mapped[str | None] = mapped_column(Text)
    dm_channel: Mapped[str | None] = mapped_column(String(50))
    dm_ts: Mapped[str | None] = mapped_column(String(50))
    # The incident's own SLA: each breach announced once (conditional on NULL).
    claim_breach_notified_at: Mapped[datetime | None]
    fix_breach_notified_at: Mapped[datetime | None]
    # The check-in a month after the fix, asking each complainant whether it held.
    check_in_at: Mapped[datetime | None]
    check_in_sent_at: Mapped[datetime | None]


class IncidentEvent(Base):
    """Append-only timeline of an incident: opened, cases moved in and out, owner, status, root cause, loops closed."""

    __tablename__ = "incident_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(50))
    action: Mapped[str] = mapped_column(String(50))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class MutedAuthor(Base):
    """Authors whose mentions are dropped before classification."""

    __tablename__ = "muted_authors"

    author: Mapped[str] = mapped_column(String(500), primary_key=True)
    muted_by: Mapped[str] = mapped_column(String(50))
    muted_at: Mapped[datetime] = mapped_column(default=utcnow)


class DigestRun(Base):
    """One row per digest period, so a digest is posted once even with several replicas."""

    __tablename__ = "digest_runs"

    period_end: Mapped[datetime] = mapped_column(primary_key=True)
    posted_at: Mapped[datetime] = mapped_column(default=utcnow)


class SpikeAlert(Base):
    """One "possible systemic issue" alert per topic or source per day, however many replicas notice it; also a source's
    low-precision warning (key "precision SOURCE", day "floor"), there while the source stays below the floor."""

    __tablename__ = "spike_alerts"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    alerted_at: Mapped[datetime] = mapped_column(default=utcnow)
