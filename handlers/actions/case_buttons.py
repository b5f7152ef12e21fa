"""Buttons on the triage card."""

from typing import Any

from slack_bolt import Ack, BoltContext

from bot import interactions
from message_blocks.ids import parse_case_value, parse_more_value


def _case_id(body: dict[str, Any]) -> int:
    return parse_case_value(body["actions"][0].get("value"))


def _channel(body: dict[str, Any]) -> str | None:
    return (body.get("channel") or {}).get("id")


def claim(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    interactions.claim(context["runtime"], case_id=_case_id(body), user_id=body["user"]["id"], channel_id=_channel(body))


def draft(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    interactions.open_draft(context["runtime"], case_id=_case_id(body), user_id=body["user"]["id"], trigger_id=body["trigger_id"])


def redraft(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    view = body["view"]
    interactions.redraft(
        context["runtime"],
        case_id=parse_case_value(view["private_metadata"]),
        user_id=body["user"]["id"],
        view_id=view["id"],
        view_hash=view["hash"],
        state_values=view["state"]["values"],
    )


def escalate(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    interactions.open_escalate(context["runtime"], case_id=_case_id(body), user_id=body["user"]["id"], trigger_id=body["trigger_id"])


def resolve(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    interactions.open_resolve(context["runtime"], case_id=_case_id(body), user_id=body["user"]["id"], trigger_id=body["trigger_id"])


def reply_sent(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    interactions.open_reply_sent(context["runtime"], case_id=_case_id(body), user_id=body["user"]["id"], trigger_id=body["trigger_id"])



def more(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    case_id, choice = parse_more_value(body["actions"][0]["selected_option"]["value"])
    interactions.more(context["runtime"], case_id=case_id, choice=choice, user_id=body["user"]["id"], channel_id=_channel(body))
