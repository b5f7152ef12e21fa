"""Buttons on the triage card.

Modals open right after the ack, in Bolt's thread: a trigger_id expires after
3 s and must not wait behind queued work. Everything else runs `later`.
"""

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.flows import case_actions, drafting, incidents
from handlers.forms import draft_options
from handlers.guard import later
from message_blocks.ids import MoreChoice, parse_case_value, parse_more_value


def _case_id(body: dict[str, Any]) -> int:
    return parse_case_value(body["actions"][0].get("value"))


def _modal(body: dict[str, Any]) -> dict[str, Any]:
    return {"case_id": _case_id(body), "user_id": body["user"]["id"], "trigger_id": body["trigger_id"]}


def claim(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    later(context, body, case_actions.claim, case_id=_case_id(body), user_id=body["user"]["id"])


def draft(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    drafting.open_draft(context["runtime"], **_modal(body))


def redraft(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    view = body["view"]
    drafting.redraft(
        context["runtime"],
        case_id=parse_case_value(view["private_metadata"]),
        user_id=body["user"]["id"],
        view_id=view["id"],
        view_hash=view["hash"],
        options=draft_options(view["state"]["values"]),
    )


def escalate(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    case_actions.open_escalate(context["runtime"], **_modal(body))


def resolve(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    case_actions.open_resolve(context["runtime"], **_modal(body))


def reply_sent(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    case_actions.open_reply_sent(context["runtime"], **_modal(body))


def more(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    case_id, choice = parse_more_value(body["actions"][0]["selected_option"]["value"])
    if choice is MoreChoice.JOIN_INCIDENT:  # a modal: opened at once, before the trigger_id expires
        incidents.open_join(context["runtime"], case_id=case_id, user_id=body["user"]["id"], trigger_id=body["trigger_id"])
        return
    later(context, body, case_actions.more, case_id=case_id, choice=choice, user_id=body["user"]["id"])
