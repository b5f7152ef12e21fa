"""Buttons on a draft in the card's thread (or in the follow-up DM)."""

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.flows import publish
from handlers.guard import later
from message_blocks.ids import parse_draft_value


def publish_reply(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    case_id, draft_id = parse_draft_value(body["actions"][0].get("value"))
    container = body.get("container") or {}
    later(
        context, body, publish.publish, case_id=case_id, draft_id=draft_id, user_id=body["user"]["id"],
        clicked_in=container.get("channel_id"), clicked_message=container.get("message_ts"),
    )


def open_original(ack: Ack) -> None:
    """A link button: Slack opens the page itself; the click only needs acknowledging."""
    ack()
