"""Buttons in the manager's escalation DM."""

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.flows import case_actions
from handlers.guard import later
from message_blocks.ids import parse_case_value


def _args(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "case_id": parse_case_value(body["actions"][0].get("value")),
        "manager_id": body["user"]["id"],
        "dm_channel": body["container"]["channel_id"],
        "dm_ts": body["container"]["message_ts"],
    }


def acknowledge(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    later(context, body, case_actions.acknowledge, **_args(body))


def take_over(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    later(context, body, case_actions.take_over, **_args(body))
