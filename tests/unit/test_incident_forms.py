"""The incident modals' forms: a value we did not offer is a refusal (NotUnderstood), never a bare ValueError."""

import pytest

from bot.domain.refusals import NotUnderstood
from handlers import forms
from message_blocks.ids import Field


def _picked(value: str) -> forms.State:
    return {Field.INCIDENT_PICK.value: {Field.INCIDENT_PICK.value: {"selected_option": {"value": value}}}}


def test_a_picked_incident_is_read_as_its_id() -> None:
    assert forms.join_incident_form(_picked("7")) == forms.JoinIncidentForm(7, "")


def test_a_pick_we_did_not_offer_is_not_understood() -> None:
    with pytest.raises(NotUnderstood):
        forms.join_incident_form(_picked("seven"))


def test_an_incident_escalation_needs_a_manager() -> None:
    with pytest.raises(NotUnderstood):
        forms.incident_escalate_form({})
    state = {Field.MANAGER.value: {Field.MANAGER.value: {"selected_user": "U1"}}, Field.REASON.value: {Field.REASON.value: {"value": " why "}}}
    assert forms.incident_escalate_form(state) == forms.IncidentEscalateForm("U1", "why")


def test_an_incident_button_naming_a_status_we_never_offered_is_not_understood() -> None:
    from handlers.actions import incident_buttons
    from message_blocks.ids import incident_value

    body = {"actions": [{"value": incident_value(3, to="archived")}], "user": {"id": "U1"}}
    with pytest.raises(NotUnderstood):
        incident_buttons.status(lambda **_: None, body, {})  # type: ignore[arg-type]
