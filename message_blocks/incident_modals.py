"""Modals about incidents: make a case part of one, write the root cause and fix, escalate to a manager."""

from __future__ import annotations

from typing import Any

from bot.domain.views import CaseView, IncidentView
from message_blocks.blocks import context, section
from message_blocks.ids import Field, View, case_value, incident_value
from message_blocks.text import mrkdwn, plain

# A static_select takes at most 100 options.
MAX_CHOICES = 100


def _modal(view: View, title: str, submit: str, metadata: str, blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "modal", "callback_id": view.value, "private_metadata": metadata,
        "title": {"type": "plain_text", "text": title[:24]}, "submit": {"type": "plain_text", "text": submit[:24]},
        "close": {"type": "plain_text", "text": "Cancel"}, "blocks": blocks,
    }


def _text_input(field: Field, label: str, *, multiline: bool, optional: bool, initial: str | None = None, hint: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": field.value, "multiline": multiline, "max_length": 3000 if multiline else 200}
    if initial:
        element["initial_value"] = initial[: element["max_length"]]
    block: dict[str, Any] = {"type": "input", "block_id": field.value, "label": {"type": "plain_text", "text": label}, "element": element, "optional": optional}
    if hint:
        block["hint"] = {"type": "plain_text", "text": hint}
    return block


def join_incident_modal(case: CaseView, choices: list[tuple[int, str]]) -> dict[str, Any]:
    """Pick an open incident for the case, or name a new one."""
    blocks: list[dict[str, Any]] = [section(f"*#{case.case_id}* {mrkdwn(case.title or case.text, 200)}")]
    if choices:
        options = [{"text": {"type": "plain_text", "text": plain(f"#{i} {title}", 75)}, "value": str(i)} for i, title in choices[:MAX_CHOICES]]
        blocks.append({
            "type": "input", "block_id": Field.INCIDENT_PICK.value, "optional": True,
            "label": {"type": "plain_text", "text": "Join an open incident"},
            "element": {"type": "static_select", "action_id": Field.INCIDENT_PICK.value, "options": options,
                        "placeholder": {"type": "plain_text", "text": "Choose an incident"}},
        })
    else:
        blocks.append(context("No incident is open: name a new one below."))
    blocks.append(_text_input(Field.INCIDENT_TITLE, "…or open a new incident", multiline=False, optional=True,
                              hint="What the problem is, e.g. “Double charges after the 3 Dec billing update”."))
    return _modal(View.JOIN_INCIDENT, "Part of an incident", "Save", case_value(case.case_id), blocks)


def root_cause_modal(incident: IncidentView) -> dict[str, Any]:
    blocks = [
        section(f"🧯 *Incident #{incident.incident_id}: {mrkdwn(incident.title, 200)}*"),
        _text_input(Field.INCIDENT_NOTE, "Root cause and fix", multiline=True, optional=False, initial=incident.root_cause,
                    hint="Written for customers too: the follow-ups sent when it is fixed tell each complainant this."),
    ]
    return _modal(View.INCIDENT_ROOT_CAUSE, "Root cause", "Save", incident_value(incident.incident_id), blocks)


def incident_escalate_modal(incident: IncidentView, default_manager: str | None) -> dict[str, Any]:
    manager: dict[str, Any] = {"type": "users_select", "action_id": Field.MANAGER.value}
    if default_manager:
        manager["initial_user"] = default_manager
    blocks = [
        section(f"🧯 *Incident #{incident.incident_id}: {mrkdwn(incident.title, 200)}*"),
        {"type": "input", "block_id": Field.MANAGER.value, "label": {"type": "plain_text", "text": "Manager"}, "element": manager},
        _text_input(Field.REASON, "Why does this need a manager?", multiline=True, optional=False),
        context("The manager gets one DM for the whole incident, kept up to date as it grows."),
    ]
    return _modal(View.INCIDENT_ESCALATE, "Escalate incident", "Escalate", incident_value(incident.incident_id), blocks)
