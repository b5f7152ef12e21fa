"""What a person filled in, parsed from a modal's view state into typed forms (handed to flows as keyword arguments).

A value that is not one we offered raises NotUnderstood: the error path answers
"that request did not make sense" and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from bot.domain.drafts import TONES
from bot.domain.drafts.post_length import LIMITS, post_length
from bot.domain.enums import RootCause, Severity
from bot.domain.refusals import NotUnderstood
from bot.domain.views import DraftOptions
from message_blocks.ids import Field
from message_blocks.modals import draft_too_long

State = dict[str, dict[str, dict[str, Any]]]
Chosen = TypeVar("Chosen")


def _input(state: State, field: Field) -> dict[str, Any]:
    return state.get(field.value, {}).get(field.value, {})


def _text(state: State, field: Field) -> str:
    return (_input(state, field).get("value") or "").strip()


def offered(kind: Callable[[str], Chosen], value: str | None, what: str) -> Chosen:
    try:
        return kind(value or "")
    except ValueError:
        raise NotUnderstood(f"{what} {value!r} is not one we offered") from None


def _selected(state: State, field: Field) -> str | None:
    return (_input(state, field).get("selected_option") or {}).get("value")


@dataclass(frozen=True)
class DraftForm:
    text: str
    options: DraftOptions


def draft_options(state: State) -> DraftOptions:
    tone = _selected(state, Field.DRAFT_TONE) or "warm"
    if tone not in TONES:
        raise NotUnderstood(f"unknown tone {tone!r}")
    picked = {option["value"] for option in _input(state, Field.DRAFT_OPTIONS).get("selected_options") or []}
    return DraftOptions(tone=tone, offer_gesture="gesture" in picked, move_offline="offline" in picked)


def _draft_text(state: State) -> tuple[str, str]:
    """(block_id, text) of the draft input; its block_id changes with the options (so Slack shows the rewritten draft)."""
    for block_id, inputs in state.items():
        if block_id.startswith(Field.DRAFT_TEXT.value):
            return block_id, (inputs.get(Field.DRAFT_TEXT.value, {}).get("value") or "").strip()
    return Field.DRAFT_TEXT.value, ""


def draft_form(state: State) -> DraftForm:
    return DraftForm(_draft_text(state)[1], draft_options(state))


def draft_errors(state: State, source_kind: str) -> dict[str, str]:
    """An edit that took the draft past the network's limit, counted as the network counts: shown under the input."""
    block_id, text = _draft_text(state)
    limit = LIMITS.get(source_kind)
    if limit and (length := post_length(text, source_kind)) > limit:
        return {block_id: draft_too_long(source_kind, length, limit)}
    return {}


@dataclass(frozen=True)
class EscalateForm:
    manager_id: str
    reason: str
    severity: Severity


def _manager(state: State) -> str:
    manager = _input(state, Field.MANAGER).get("selected_user")
    if not manager:
        raise NotUnderstood("no manager was chosen")
    return str(manager)


def escalate_form(state: State) -> EscalateForm:
    return EscalateForm(_manager(state), _text(state, Field.REASON), offered(Severity, _selected(state, Field.SEVERITY), "severity"))


@dataclass(frozen=True)
class ResolveForm:
    resolution: str
    root_cause: RootCause
    follow_up_days: int | None


def resolve_form(state: State) -> ResolveForm:
    follow_up = _selected(state, Field.FOLLOW_UP)
    root_cause = offered(RootCause, _selected(state, Field.ROOT_CAUSE), "root cause")
    return ResolveForm(_text(state, Field.RESOLUTION), root_cause, offered(int, follow_up, "follow-up") if follow_up else None)


@dataclass(frozen=True)
class ReplySentForm:
    url: str


def reply_sent_errors(state: State) -> dict[str, str]:
    """Slack shows these under the input and keeps the modal open."""
    parts = urlsplit(_text(state, Field.REPLY_URL))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return {Field.REPLY_URL.value: "Paste the full link to your public reply, starting with https://"}
    return {}


def reply_sent_form(state: State) -> ReplySentForm:
    return ReplySentForm(_text(state, Field.REPLY_URL))


@dataclass(frozen=True)
class JoinIncidentForm:
    """An open incident picked from the menu, or the title of a new one."""

    incident_id: int | None
    title: str


def join_incident_errors(state: State) -> dict[str, str]:
    if not _selected(state, Field.INCIDENT_PICK) and not _text(state, Field.INCIDENT_TITLE):
        return {Field.INCIDENT_TITLE.value: "Choose an open incident above, or name a new one here."}
    return {}


def join_incident_form(state: State) -> JoinIncidentForm:
    picked = _selected(state, Field.INCIDENT_PICK)
    return JoinIncidentForm(offered(int, picked, "incident") if picked else None, _text(state, Field.INCIDENT_TITLE))


def root_cause_note(state: State) -> str:
    note = _text(state, Field.INCIDENT_NOTE)
    if not note:
        raise NotUnderstood("the root cause note is empty")
    return note


@dataclass(frozen=True)
class IncidentEscalateForm:
    manager_id: str
    reason: str


def incident_escalate_form(state: State) -> IncidentEscalateForm:
    return IncidentEscalateForm(_manager(state), _text(state, Field.REASON))
