"""/complaint: acked at once, answered through the response URL."""

from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot import team
from handlers.guard import later


def complaint(ack: Ack, command: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    later(
        context,
        command,
        team.run_command,
        text=command.get("text", ""),
        user_id=command["user_id"],
        channel_id=command["channel_id"],
        trigger_id=command["trigger_id"],
        respond=respond,
    )
