"""Buttons on the incident card and on its follow-ups in the thread. Modals open at once (a trigger_id lasts 3 s);
everything else runs `later`."""

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.domain.enums import DraftPurpose, IncidentStatus
from bot.domain.refusals import NotUnderstood
from bot.flows import incident_loops, incidents
from handlers.forms import offered
from handlers.guard import later
from message_blocks.ids import parse_incident_value


def _clicked(body: dict[str, Any]) -> tuple[int, dict[str, object]]:
    return parse_incident_value(body["actions"][0].get("value"))


def claim(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    incident_id, _ = _clicked(body)
    later(context, body, incidents.claim, incident_id=incident_id, user_id=body["user"]["id"])


def status(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    incident_id, extra = _clicked(body)
    to = offered(IncidentStatus, str(extra.get("to")), "status")
    later(context, body, incidents.advance, incident_id=incident_id, to=to, user_id=body["user"]["id"])


def root_cause(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    incidents.open_root_cause(context["runtime"], incident_id=_clicked(body)[0], user_id=body["user"]["id"], trigger_id=body["trigger_id"])


def escalate(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    incidents.open_escalate(context["runtime"], incident_id=_clicked(body)[0], user_id=body["user"]["id"], trigger_id=body["trigger_id"])


def approve_all(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    incident_id, extra = _clicked(body)
    purpose = offered(DraftPurpose, str(extra.get("purpose")), "purpose")
    later(context, body, incident_loops.approve_all, incident_id=incident_id, purpose=purpose, user_id=body["user"]["id"])


def replied_by_hand(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    incident_id, extra = _clicked(body)
    draft_id = extra.get("draft_id")
    if not isinstance(draft_id, int):
        raise NotUnderstood(f"not a follow-up reference: {extra!r}")
    later(context, body, incident_loops.replied_by_hand, incident_id=incident_id, draft_id=draft_id, user_id=body["user"]["id"])
