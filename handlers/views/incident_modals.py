"""Submissions of the incident modals: parsed into typed forms, then handed to the flow."""

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.flows import incidents
from handlers import forms
from handlers.guard import later
from message_blocks.ids import parse_case_value, parse_incident_value


def _state(body: dict[str, Any]) -> forms.State:
    return body["view"]["state"]["values"]


def join_submitted(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    errors = forms.join_incident_errors(_state(body))
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    form = forms.join_incident_form(_state(body))
    case_id = parse_case_value(body["view"]["private_metadata"])
    later(context, body, incidents.join_case, case_id=case_id, user_id=body["user"]["id"], incident_id=form.incident_id, title=form.title)


def root_cause_submitted(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    incident_id, _ = parse_incident_value(body["view"]["private_metadata"])
    later(context, body, incidents.save_root_cause, incident_id=incident_id, user_id=body["user"]["id"], note=forms.root_cause_note(_state(body)))


def escalate_submitted(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    incident_id, _ = parse_incident_value(body["view"]["private_metadata"])
    form = forms.incident_escalate_form(_state(body))
    later(context, body, incidents.escalate, incident_id=incident_id, user_id=body["user"]["id"], manager_id=form.manager_id, reason=form.reason)
