"""Sends an incident's outbox messages: its card (posted once, then redrawn), notes in its thread, the manager's one DM.

Like a case's card: the post carries the row's metadata, so a retry after a crash finds
it instead of posting again; every redraw renders the incident as it is now, so repeating
one changes nothing. A note waits (Deferred) until the card it belongs under is posted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.db.session import session_scope
from bot.domain.outbox import IncidentDM, IncidentNote, PostIncident, UpdateIncident, UpdateIncidentDM
from bot.services import incident_views, incidents
from bot.services.outbox import Taken
from bot.slack.posting import Deferred, Poster
from message_blocks.incident import incident_card, incident_dm, incident_dm_text, incident_text
from message_blocks.text import slack_message_url

IncidentMessage = PostIncident | UpdateIncident | IncidentNote | IncidentDM | UpdateIncidentDM


class IncidentSender:
    def __init__(self, *, sessions: sessionmaker[Session], client: WebClient, poster: Poster, channel: str, clock: Callable[[], datetime]) -> None:
        self.sessions, self.client, self.poster, self.channel, self.clock = sessions, client, poster, channel, clock

    def send(self, row: Taken, message: IncidentMessage, send_by: float) -> None:
        """Nothing starts after `send_by` (the row's lease: PastTheLease)."""
        with session_scope(self.sessions) as session:
            channel, ts, dm_channel, dm_ts = incident_views.location(session=session, incident_id=message.incident_id)
            # Drawn only for what will show it (a post not made yet, a redraw of one that was): a 3,000-case incident's
            # view is read across all its cases, and a note needs only where the card is.
            drawn = _draws(message, card_posted=bool(channel and ts), dm_posted=bool(dm_channel and dm_ts))
            view = incident_views.view(session=session, incident_id=message.incident_id, now=self.clock()) if drawn else None
        match message:
            case PostIncident():
                if ts or view is None:  # already posted
                    return
                posted = self.poster.post_once(
                    row, channel=self.channel, send_by=send_by, text=incident_text(view), blocks=incident_card(view), unfurl_links=False, unfurl_media=False
                )
                with session_scope(self.sessions) as session:
                    incidents.record_card(session=session, incident_id=message.incident_id, channel=posted[0], ts=posted[1])
            case UpdateIncident():
                if channel and ts and view is not None:  # not posted yet: the post will show the current state anyway
                    self.poster.to_channel(channel, self.client.chat_update, post=False, send_by=send_by, ts=ts, text=incident_text(view), blocks=incident_card(view))
            case IncidentNote():
                if not (channel and ts):
                    raise Deferred()
                self.poster.post_once(
                    row, channel=channel, thread_ts=ts, send_by=send_by, text=message.text, blocks=message.blocks, unfurl_links=False, unfurl_media=False
                )
            case IncidentDM():
                if dm_ts or view is None:  # already posted
                    return
                opened = self.client.conversations_open(users=message.user)
                posted = self.poster.post_once(
                    row, channel=opened["channel"]["id"], send_by=send_by, text=incident_dm_text(view), blocks=incident_dm(view, slack_message_url(channel, ts)),
                    unfurl_links=False,
                )
                with session_scope(self.sessions) as session:
                    incidents.record_dm(session=session, incident_id=message.incident_id, channel=posted[0], ts=posted[1])
            case UpdateIncidentDM():
                if dm_channel and dm_ts and view is not None:  # not posted yet: the post will show the current state anyway
                    self.poster.to_channel(
                        dm_channel, self.client.chat_update, post=False, send_by=send_by, ts=dm_ts, text=incident_dm_text(view),
                        blocks=incident_dm(view, slack_message_url(channel, ts)),
                    )


def _draws(message: IncidentMessage, *, card_posted: bool, dm_posted: bool) -> bool:
    """A card or DM not posted yet, or a redraw of one that was."""
    match message:
        case PostIncident():
            return not card_posted
        case UpdateIncident():
            return card_posted
        case IncidentDM():
            return not dm_posted
        case UpdateIncidentDM():
            return dm_posted
    return False
