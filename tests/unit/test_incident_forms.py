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
