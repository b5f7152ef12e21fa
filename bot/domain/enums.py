"""The stored vocabulary. StrEnums: they compare equal to the strings in the database, JSON and Block Kit values.

No SQLAlchemy here, so the pure layers (classifier, message_blocks, domain) can use the same words.
"""

from __future__ import annotations

from enum import StrEnum


class CaseStatus(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    ESCALATED = "escalated"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"

    @classmethod
    def active(cls) -> tuple[CaseStatus, ...]:
        """Someone still has to act on a case in these states."""
        return (cls.OPEN, cls.CLAIMED, cls.ESCALATED)

    @classmethod
    def closed(cls) -> tuple[CaseStatus, ...]:
        return (cls.RESOLVED, cls.DISMISSED)


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)

    @classmethod
    def parse(cls, value: str | None, default: Severity) -> Severity:
        if value is None:
            return default
        try:
            return cls(value)
        except ValueError:
            return default


class RootCause(StrEnum):
    ISOLATED = "isolated"
    SYSTEMIC = "systemic"
    NOT_ACTIONABLE = "not_actionable"
    TROLL = "troll"

    @property
    def is_complaint(self) -> bool:
        """A real problem was behind it: the mention is a labelled complaint for training."""
        return self in (RootCause.ISOLATED, RootCause.SYSTEMIC)


class DismissReason(StrEnum):
    # Kept as a labelled false alarm for the detector.
    FALSE_POSITIVE = "false_positive"
    TROLL = "troll"


class OutboxKind(StrEnum):
    POST_CARD = "post_card"
    UPDATE_CARD = "update_card"
    THREAD_NOTE = "thread_note"
    DM = "dm"
    # About the channel as a whole (a quiet digest, source health), or a case re-surfaced at the bottom.
    CHANNEL_MESSAGE = "channel_message"
    # A message the bot posted earlier, shown as it is now (a draft once published): chat.update, harmless to repeat.
    UPDATE_MESSAGE = "update_message"
    # The daily digest with its chart: the PNG is uploaded and shared in one message with the digest's blocks.
    DIGEST = "digest"
    # An incident's card (payload: incident_id), posted once; later rows redraw it (chat.update) from its current state.
    POST_INCIDENT = "post_incident"
    UPDATE_INCIDENT = "update_incident"
    # A note in the incident card's thread (payload: incident_id, text, blocks).
    INCIDENT_NOTE = "incident_note"
    # The manager's one DM about an incident (payload: incident_id), posted once; later rows redraw it with the count.
    INCIDENT_DM = "incident_dm"
    UPDATE_INCIDENT_DM = "update_incident_dm"


class DraftPurpose(StrEnum):
    """What a saved reply draft is for: the first answer, or the check-in after the follow-up reminder."""

    REPLY = "reply"
    FOLLOW_UP = "follow_up"
    # What an incident's fix means for this complainant, drafted when the incident is marked fixed.
    INCIDENT_FIX = "incident_fix"


class IncidentStatus(StrEnum):
    """An incident moves forward only: investigating -> fixing -> fixed -> closed."""

    INVESTIGATING = "investigating"
    FIXING = "fixing"
    FIXED = "fixed"
    CLOSED = "closed"

    @classmethod
    def open(cls) -> tuple[IncidentStatus, ...]:
        """Cases can still be moved into an incident in these states."""
        return (cls.INVESTIGATING, cls.FIXING)

    @property
    def next(self) -> IncidentStatus | None:
        order = list(IncidentStatus)
        index = order.index(self)
        return order[index + 1] if index + 1 < len(order) else None


class IncidentOrigin(StrEnum):
    """What opened the incident: a person, a topic or source over its baseline, or a burst of new cases in one poll."""

    PERSON = "person"
    SPIKE = "spike"
    BURST = "burst"
