"""Outbox messages: each kind writes the JSON payload rows were always stored in, and reads it back as itself."""

from __future__ import annotations

import json

import pytest

from bot.domain.outbox import (
    MESSAGES,
    ChannelMessage,
    DigestWithChart,
    DirectMessage,
    IncidentDM,
    IncidentNote,
    PostCard,
    PostIncident,
    QueuedMessage,
    ThreadNote,
    UnreadableMessage,
    UpdateCard,
    UpdateIncident,
    UpdateIncidentDM,
    UpdateMessage,
    read_message,
)

BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Case #7*"}}]
EVERY_KIND: list[QueuedMessage] = [
    PostCard(),
    UpdateCard(),
    ThreadNote(text="Claimed by <@U1>", blocks=BLOCKS),
    DirectMessage(user="U0MANAGER1", text="Urgent", blocks=BLOCKS, link_card=True),
    ChannelMessage(text="Source back"),
    UpdateMessage(channel="C0TRIAGE01", ts="1700000000.000100", text="Published", blocks=BLOCKS),
    DigestWithChart(blocks=BLOCKS, chart="iVBORw0KGgo=", filename="digest.png", title="Digest", alt="A chart"),
    PostIncident(incident_id=3),
    UpdateIncident(incident_id=3),
    IncidentNote(incident_id=3, text="Incident #3 is fixed", blocks=BLOCKS),
    IncidentDM(incident_id=3, user="U0MANAGER1"),
    UpdateIncidentDM(incident_id=3, user="U0MANAGER1"),
]


def test_every_kind_has_a_class_and_back() -> None:
    assert sorted(MESSAGES) == sorted(type(m).kind.value for m in EVERY_KIND)


@pytest.mark.parametrize("message", EVERY_KIND, ids=lambda m: type(m).__name__)
def test_a_message_reads_back_as_itself_through_json(message: QueuedMessage) -> None:
    stored = json.loads(json.dumps(message.payload()))
    assert read_message(message.kind.value, stored) == message


# Rows as the untyped code wrote them (keyword arguments straight into the JSON): a queue left by it must still drain.
EARLIER_ROWS = [
    ("post_card", {}, PostCard()),
    ("update_card", {}, UpdateCard()),
    ("thread_note", {"text": "Snoozed"}, ThreadNote(text="Snoozed")),
    ("thread_note", {"text": "Claimed", "blocks": None}, ThreadNote(text="Claimed")),
    ("dm", {"user": "U1", "text": "Urgent", "blocks": BLOCKS, "link_card": True}, DirectMessage(user="U1", text="Urgent", blocks=BLOCKS, link_card=True)),
    ("dm", {"user": "U1", "text": "Nudge", "blocks": BLOCKS}, DirectMessage(user="U1", text="Nudge", blocks=BLOCKS)),
    ("channel_message", {"text": "Quiet day", "blocks": BLOCKS}, ChannelMessage(text="Quiet day", blocks=BLOCKS)),
    ("update_message", {"channel": "C1", "ts": "1.2", "text": "t", "blocks": BLOCKS}, UpdateMessage(channel="C1", ts="1.2", text="t", blocks=BLOCKS)),
    (
        "digest", {"blocks": BLOCKS, "chart": "AA==", "filename": "d.png", "title": "T", "alt": "A"},
        DigestWithChart(blocks=BLOCKS, chart="AA==", filename="d.png", title="T", alt="A"),
    ),
]


@pytest.mark.parametrize(("kind", "payload", "expected"), EARLIER_ROWS)
def test_rows_written_before_the_types_still_read(kind: str, payload: dict, expected: QueuedMessage) -> None:
    assert read_message(kind, payload) == expected


def test_an_unknown_kind_is_one_clear_error() -> None:
    with pytest.raises(UnreadableMessage, match=r"unknown outbox kind 'incident_card' \(queued by a newer version"):
        read_message("incident_card", {"text": "x"})


def test_a_payload_missing_a_field_names_it() -> None:
    with pytest.raises(UnreadableMessage, match="outbox dm message without its 'user'"):
        read_message("dm", {"text": "no one to send it to"})
