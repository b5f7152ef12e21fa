"""One outbox message to Slack, by its type (bot/domain/outbox.py): where it goes and which call carries it.

Cards and updates are rendered from the case as it is when sent; thread notes and
card-linked DMs wait for their card. Posting once and pacing are bot/slack/posting.py's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import utcnow
from bot.db.session import session_scope
from bot.domain.outbox import (
    Blocks,
    ChannelMessage,
    DigestWithChart,
    DirectMessage,
    IncidentDM,
    IncidentNote,
    PostCard,
    PostIncident,
    QueuedMessage,
    ThreadNote,
    UpdateCard,
    UpdateIncident,
    UpdateIncidentDM,
    UpdateMessage,
)
from bot.services import outbox
from bot.services.outbox import CardAddress, Taken
from bot.slack.digest_share import share_digest
from bot.slack.incident_delivery import IncidentSender
from bot.slack.permalinks import permalink
from bot.slack.posting import Deferred, Poster
from message_blocks.card import card_text, case_card
from message_blocks.notes import card_link


class Sender:
    def __init__(
        self, *, sessions: sessionmaker[Session], client: WebClient, channel: str, poster: Poster, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.sessions = sessions
        self.client = client
        self.channel = channel
        self.poster = poster
        self.incidents = IncidentSender(sessions=sessions, client=client, poster=poster, channel=channel, clock=clock)

    def send(self, row: Taken, send_by: float) -> tuple[str, str] | None:
        """Returns where a new card now is; None for every other message. Nothing starts after `send_by` (PastTheLease)."""
        message = row.message
        if message.about_the_card or self.waits_for_card(row):
            return self._about_the_card(row, message, send_by)
        match message:
            case DigestWithChart():
                if not (row.look_first and self._digest_shared(message.filename, row)):
                    self.poster.to_channel(self.channel, lambda channel: share_digest(self.client, channel, message), send_by=send_by)
            case ChannelMessage():  # about the channel as a whole, or a case re-surfaced at the bottom
                self.poster.post_once(row, channel=self.channel, send_by=send_by, text=message.text, blocks=message.blocks, unfurl_links=False)
            case UpdateMessage():
                self.poster.to_channel(
                    message.channel, self.client.chat_update, post=False, send_by=send_by, ts=message.ts, text=message.text, blocks=message.blocks
                )
            case DirectMessage():
                self._dm(row, message, message.blocks, send_by)
            case PostIncident() | UpdateIncident() | IncidentNote() | IncidentDM() | UpdateIncidentDM():
                self.incidents.send(row, message, send_by)
            case _:
                raise ValueError(f"outbox {message.kind} has no sender")
        return None

    def lane(self, row: Taken) -> str:
        """Where the message goes, for pacing: messages to one place keep their order, other places go side by side."""
        match row.message:
            case DirectMessage() | IncidentDM() | UpdateIncidentDM():
                return f"dm:{row.message.user}"
            case UpdateMessage():
                return row.message.channel
            case _:  # the triage channel: cards, their threads, channel messages, the digest
                return self.channel

    def waits_for_card(self, row: Taken) -> bool:
        return isinstance(row.message, DirectMessage) and row.message.link_card

    def _about_the_card(self, row: Taken, message: QueuedMessage, send_by: float) -> tuple[str, str] | None:
        """Only the card's address is read for a thread note or a DM; the whole case only to draw the card."""
        if row.case_id is None:
            raise ValueError(f"outbox {message.kind} without a case")
        with session_scope(self.sessions) as session:
            card = outbox.card_address(session=session, case_id=row.case_id)
            view = outbox.case_now(session=session, case_id=row.case_id) if card and _draws_the_card(message, card) else None
        if card is None:  # the case is gone
            return None
        match message:
            case PostCard():
                if view is None:  # already posted (a duplicate row): nothing to do
                    return None
                return self.poster.post_once(
                    row, channel=self.channel, send_by=send_by, text=card_text(view), blocks=case_card(view), unfurl_links=False, unfurl_media=False
                )
            case UpdateCard():
                if view is not None and card.channel:  # not posted yet: the post will render the current state anyway
                    self.poster.to_channel(
                        card.channel, self.client.chat_update, post=False, send_by=send_by, ts=card.ts, text=card_text(view), blocks=case_card(view)
                    )
            case ThreadNote():
                if not (card.channel and card.ts):
                    raise Deferred()
                self.poster.post_once(
                    row, channel=card.channel, thread_ts=card.ts, send_by=send_by, text=message.text, blocks=message.blocks,
                    unfurl_links=False, unfurl_media=False,
                )
            case DirectMessage():
                self._dm(row, message, self._link_card(row.case_id, card, message.blocks or []), send_by)
            case _:
                raise ValueError(f"outbox {message.kind} has no sender")
        return None

    def _digest_shared(self, filename: str, row: Taken) -> bool:
        """An earlier attempt may have shared the chart before it was cut off: its file is in the channel."""
        history = self.poster.history(self.channel, None, row.created_at)
        return any(file.get("name") == filename for message in history for file in message.get("files") or [])

    def _dm(self, row: Taken, message: DirectMessage, blocks: Blocks | None, send_by: float) -> None:
        opened = self.client.conversations_open(users=message.user)
        self.poster.post_once(row, channel=opened["channel"]["id"], send_by=send_by, text=message.text, blocks=blocks, unfurl_links=False)

    def _link_card(self, case_id: int, card: CardAddress, blocks: Blocks) -> Blocks:
        """A DM queued with its case, before the card was posted: wait for the card, then add its link."""
        if not (card.channel and card.ts):
            with session_scope(self.sessions) as session:
                if outbox.card_on_its_way(session=session, case_id=case_id):
                    raise Deferred()
            return blocks  # summarised in a burst, or its post is failing: the DM must not wait for it
        url = permalink(self.client, card.channel, card.ts)
        return blocks + [card_link(url)] if url else blocks


def _draws_the_card(message: QueuedMessage, card: CardAddress) -> bool:
    """A new card not posted yet, or an update of one that was."""
    return (isinstance(message, PostCard) and not card.ts) or (isinstance(message, UpdateCard) and bool(card.ts))
