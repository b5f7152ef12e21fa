"""The button beside each near miss the digest lists: report it as a complaint."""

from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.flows import manual_report
from handlers.guard import later
from message_blocks.ids import parse_mention_value


def report(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    later(
        context,
        body,
        manual_report.report_near_miss,
        mention_id=parse_mention_value(body["actions"][0].get("value")),
        user_id=body["user"]["id"],
        respond=respond,
    )
