"""App Home: the person's own dashboard, rebuilt each time they open it."""

from typing import Any

from slack_bolt import BoltContext

from bot.flows import app_home
from handlers.guard import later


def opened(event: dict[str, Any], context: BoltContext) -> None:
    if event.get("tab", "home") == "home":
        later(context, event, app_home.publish, user_id=event["user"])
