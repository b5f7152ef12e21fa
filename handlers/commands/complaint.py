"""/complaint: acked at once, answered through the response URL."""

from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.flows import complaint_command
from handlers.guard import later


def complaint(ack: Ack, command: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    later(
        context,
        command,
        complaint_command.run_command,
        text=command.get("text", ""),
        user_id=command["user_id"],
        trigger_id=command["trigger_id"],
        respond=respond,
    )
