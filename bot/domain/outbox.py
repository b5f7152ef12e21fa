"""What the outbox holds: one small frozen dataclass per kind of Slack write, each stored as (kind, JSON payload).

Flows and services make them, bot/services/outbox.py stores them, bot/slack/sending.py
dispatches on their type. The JSON shape is the one rows were always written in (the field
names are the payload's keys), so rows queued by an earlier version read back unchanged.
A new kind is a new class here, in MESSAGES, and a case in bot/slack/sending.py.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from typing import Any, ClassVar

from bot.domain.enums import OutboxKind

Blocks = list[dict[str, Any]]


class UnreadableMessage(ValueError):
    """A row this version cannot read: a kind it does not know (written by a newer version?) or a payload missing a field."""


@dataclass(frozen=True)
class QueuedMessage:
    kind: ClassVar[OutboxKind]
    # Sent about its case's card (the card itself, its thread, or a DM linking to it): the row must have a case.
    about_the_card: ClassVar[bool] = False

    def payload(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> QueuedMessage:
        values = {}
        for f in fields(cls):
            if f.name in payload:
                values[f.name] = payload[f.name]
            elif f.default is MISSING:
                raise UnreadableMessage(f"outbox {cls.kind} message without its {f.name!r}")
        return cls(**values)


@dataclass(frozen=True)
class PostCard(QueuedMessage):
    """A new case's card in the triage channel, rendered from the case as it is when sent."""

    kind: ClassVar[OutboxKind] = OutboxKind.POST_CARD
    about_the_card: ClassVar[bool] = True


@dataclass(frozen=True)
class UpdateCard(QueuedMessage):
    """The card redrawn from the case's current state (chat.update): repeating it changes nothing."""

    kind: ClassVar[OutboxKind] = OutboxKind.UPDATE_CARD
    about_the_card: ClassVar[bool] = True


@dataclass(frozen=True)
class ThreadNote(QueuedMessage):
    """A message in the card's thread; waits for the card if it is not posted yet."""

    kind: ClassVar[OutboxKind] = OutboxKind.THREAD_NOTE
    about_the_card: ClassVar[bool] = True
    text: str
    blocks: Blocks | None = None


@dataclass(frozen=True)
class DirectMessage(QueuedMessage):
    """A DM to one person. `link_card`: queued with its case before the card was posted; the card's link is added when it is."""

    kind: ClassVar[OutboxKind] = OutboxKind.DM
    user: str
    text: str
    blocks: Blocks | None = None
    link_card: bool = False


@dataclass(frozen=True)
class ChannelMessage(QueuedMessage):
    """About the channel as a whole (a quiet digest, source health, reminders listing cases)."""

    kind: ClassVar[OutboxKind] = OutboxKind.CHANNEL_MESSAGE
    text: str
    blocks: Blocks | None = None


@dataclass(frozen=True)
class UpdateMessage(QueuedMessage):
    """A message the bot posted earlier, shown as it is now (a draft once published): chat.update, harmless to repeat."""

    kind: ClassVar[OutboxKind] = OutboxKind.UPDATE_MESSAGE
    channel: str
    ts: str
    text: str
    blocks: Blocks


@dataclass(frozen=True)
class DigestWithChart(QueuedMessage):
    """The daily digest with its chart: the PNG (base64) uploaded and shared in one message with the digest's blocks."""

    kind: ClassVar[OutboxKind] = OutboxKind.DIGEST
    blocks: Blocks
    chart: str
    filename: str
    title: str
    alt: str


@dataclass(frozen=True)
class PostIncident(QueuedMessage):
    """An incident's card in the triage channel, posted once, rendered from the incident as it is when sent."""

    kind: ClassVar[OutboxKind] = OutboxKind.POST_INCIDENT
    incident_id: int


@dataclass(frozen=True)
class UpdateIncident(QueuedMessage):
    """The incident's card redrawn from its current state (chat.update): repeating it changes nothing."""

    kind: ClassVar[OutboxKind] = OutboxKind.UPDATE_INCIDENT
    incident_id: int


@dataclass(frozen=True)
class IncidentNote(QueuedMessage):
    """A message in the incident card's thread (its timeline, the follow-ups for approval); waits for the card."""

    kind: ClassVar[OutboxKind] = OutboxKind.INCIDENT_NOTE
    incident_id: int
    text: str
    blocks: Blocks | None = None


@dataclass(frozen=True)
class IncidentDM(QueuedMessage):
    """The manager's one DM about an incident, posted once (queued only by the escalation that set its manager)."""

    kind: ClassVar[OutboxKind] = OutboxKind.INCIDENT_DM
    incident_id: int
    user: str


@dataclass(frozen=True)
class UpdateIncidentDM(QueuedMessage):
    """That DM redrawn with the incident as it is now (its count grew): chat.update, nothing if it is not posted yet."""

    kind: ClassVar[OutboxKind] = OutboxKind.UPDATE_INCIDENT_DM
    incident_id: int
    user: str


INCIDENT_MESSAGES = (PostIncident, UpdateIncident, IncidentNote, IncidentDM, UpdateIncidentDM)
MESSAGES: dict[str, type[QueuedMessage]] = {
    cls.kind.value: cls
    for cls in (PostCard, UpdateCard, ThreadNote, DirectMessage, ChannelMessage, UpdateMessage, DigestWithChart, *INCIDENT_MESSAGES)
}


def read_message(kind: str, payload: dict[str, Any] | None) -> QueuedMessage:
    """The message a stored row holds; UnreadableMessage (one clear line) for a kind or payload this version cannot read."""
    cls = MESSAGES.get(kind)
    if cls is None:
        raise UnreadableMessage(f"unknown outbox kind {kind!r} (queued by a newer version of the bot?)")
    return cls.from_payload(payload or {})
