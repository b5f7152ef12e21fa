"""Submissions of the card's modals."""

from typing import Any

from slack_bolt import Ack, BoltContext

from bot import interactions
from handlers.guard import later
from message_blocks.ids import parse_case_value


def _args(body: dict[str, Any]) -> dict[str, Any]:
    view = body["view"]
    return {
        "case_id": parse_case_value(view["private_metadata"]),
        "user_id": body["user"]["id"],
        "state_values": view["state"]["values"],
    }


def draft_submitted(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    later(context, body, interactions.save_draft, **_args(body))


def reply_sent_submitted(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    errors = interactions.reply_url_errors(body["view"]["state"]["values"])
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    later(context, body, interactions.record_reply_sent, **_args(body))


def escalate_submitted(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    later(context, body, interactions.escalate, **_args(body))


def resolve_submitted(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    later(context, body, interactions.resolve, **_args(body))
