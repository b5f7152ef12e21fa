"""Message shortcut: turn any Slack message into a case."""

from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.flows import manual_report
from handlers.guard import later


def report(ack: Ack, shortcut: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    later(
        context,
        shortcut,
        manual_report.report_message,
        user_id=shortcut["user"]["id"],
        channel_id=shortcut["channel"]["id"],
        message=shortcut["message"],
        respond=respond,
    )
