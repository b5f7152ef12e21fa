"""Submissions of the card's modals: parsed into typed forms, then handed to the flow."""

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.flows import case_actions, drafting
from handlers import forms
from handlers.guard import later
from message_blocks.ids import parse_case_value, parse_source_kind


def _who(body: dict[str, Any]) -> dict[str, Any]:
    return {"case_id": parse_case_value(body["view"]["private_metadata"]), "user_id": body["user"]["id"]}


def _state(body: dict[str, Any]) -> forms.State:
    return body["view"]["state"]["values"]


def draft_submitted(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    errors = forms.draft_errors(_state(body), parse_source_kind(body["view"]["private_metadata"]))
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    form = forms.draft_form(_state(body))
    later(context, body, drafting.save_draft, **_who(body), text=form.text, options=form.options)


def reply_sent_submitted(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    errors = forms.reply_sent_errors(_state(body))
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    later(context, body, case_actions.record_reply_sent, **_who(body), url=forms.reply_sent_form(_state(body)).url)


def escalate_submitted(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    form = forms.escalate_form(_state(body))
    later(context, body, case_actions.escalate, **_who(body), manager_id=form.manager_id, reason=form.reason, severity=form.severity)


def resolve_submitted(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    form = forms.resolve_form(_state(body))
    later(
        context, body, case_actions.resolve,
        **_who(body), resolution=form.resolution, root_cause=form.root_cause, follow_up_days=form.follow_up_days,
    )
