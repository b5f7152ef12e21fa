"""Every action_id, callback_id and block_id the app sends, in one place."""

from __future__ import annotations

import json
from enum import StrEnum

from bot.domain.refusals import NotUnderstood


class Action(StrEnum):
    CLAIM = "case-claim"
    DRAFT = "case-draft-reply"
    ESCALATE = "case-escalate"
    RESOLVE = "case-resolve"
    REPLY_SENT = "case-reply-sent"
    PUBLISH_REPLY = "case-publish-reply"
    # A link button: Slack opens the page and still tells the app, which only acknowledges.
    OPEN_ORIGINAL = "case-open-original"
    ACKNOWLEDGE = "case-escalation-acknowledge"
    TAKE_OVER = "case-escalation-take-over"
    MORE = "case-more"
    INCIDENT_CLAIM = "incident-claim"
    # value: the incident and the status it moves to.
    INCIDENT_STATUS = "incident-status"
    INCIDENT_ROOT_CAUSE = "incident-root-cause"
    INCIDENT_ESCALATE = "incident-escalate"
    # value: the incident and which drafts (a DraftPurpose) to publish.
    INCIDENT_APPROVE_ALL = "incident-approve-all"
    # value: the incident and the draft a person answered by hand.
    INCIDENT_REPLIED_BY_HAND = "incident-replied-by-hand"
    # value: a stored mention the detector scored just under its threshold (the digest's near misses).
    REPORT_NEAR_MISS = "near-miss-report"


class MoreChoice(StrEnum):
    """Options of the card's overflow menu."""

    NOT_A_COMPLAINT = "not-a-complaint"
    MUTE_AUTHOR = "mute-author"
    SNOOZE_HOUR = "snooze-1h"
    SNOOZE_DAY = "snooze-1d"
    REOPEN = "reopen"
    JOIN_INCIDENT = "join-incident"
    LEAVE_INCIDENT = "leave-incident"


class View(StrEnum):
    DRAFT = "case-draft-modal"
    ESCALATE = "case-escalate-modal"
    RESOLVE = "case-resolve-modal"
    REPLY_SENT = "case-reply-sent-modal"
    JOIN_INCIDENT = "case-join-incident-modal"
    INCIDENT_ROOT_CAUSE = "incident-root-cause-modal"
    INCIDENT_ESCALATE = "incident-escalate-modal"


class Field(StrEnum):
    """block_id / action_id pairs of modal inputs (the same string for both)."""

    DRAFT_TEXT = "draft-text"
    DRAFT_TONE = "draft-tone"
    DRAFT_OPTIONS = "draft-options"
    MANAGER = "escalate-manager"
    REASON = "escalate-reason"
    SEVERITY = "escalate-severity"
    RESOLUTION = "resolve-note"
    ROOT_CAUSE = "resolve-root-cause"
    FOLLOW_UP = "resolve-follow-up"
    REPLY_URL = "reply-url"
    INCIDENT_PICK = "incident-pick"
    INCIDENT_TITLE = "incident-title"
    INCIDENT_NOTE = "incident-root-cause-note"


def case_value(case_id: int) -> str:
    """A button value or private_metadata carrying the case id."""
    return json.dumps({"case_id": case_id})


def parse_case_value(value: str | None) -> int:
    """The case id from a button value or private_metadata; NotUnderstood if it is not one of ours."""
    return _parse_id(value, "case_id", "a case")


def mention_value(mention_id: int) -> str:
    """A button value carrying a stored mention's id."""
    return json.dumps({"mention_id": mention_id})


def parse_mention_value(value: str | None) -> int:
    """The mention id from a button value; NotUnderstood if it is not one of ours."""
    return _parse_id(value, "mention_id", "a mention")


def _parse_id(value: str | None, key: str, what: str) -> int:
    try:
        found = json.loads(value or "")[key]
    except (ValueError, KeyError, TypeError):
        raise NotUnderstood(f"not {what} reference: {value!r}") from None
    if not isinstance(found, int) or isinstance(found, bool) or found <= 0:
        raise NotUnderstood(f"not {what} reference: {value!r}")
    return found


def more_value(case_id: int, choice: MoreChoice) -> str:
    return json.dumps({"case_id": case_id, "do": choice.value})


def parse_more_value(value: str | None) -> tuple[int, MoreChoice]:
    case_id = parse_case_value(value)
    try:
        return case_id, MoreChoice(json.loads(value or "")["do"])
    except (KeyError, ValueError):
        raise NotUnderstood(f"not a menu choice: {value!r}") from None


def draft_value(case_id: int, draft_id: int) -> str:
    """A Publish button's value: the case and the saved draft whose text it publishes."""
    return json.dumps({"case_id": case_id, "draft_id": draft_id})


def parse_draft_value(value: str | None) -> tuple[int, int]:
    case_id = parse_case_value(value)
    draft_id = json.loads(value or "").get("draft_id")
    if not isinstance(draft_id, int) or draft_id <= 0:
        raise NotUnderstood(f"not a draft reference: {value!r}")
    return case_id, draft_id


def draft_modal_value(case_id: int, source_kind: str) -> str:
    """The draft modal's private_metadata: the case, and the network whose length rule the draft must meet."""
    return json.dumps({"case_id": case_id, "source_kind": source_kind})


def parse_source_kind(value: str | None) -> str:
    """The source kind from draft_modal_value ("" if absent: then no network's limit applies)."""
    try:
        kind = json.loads(value or "").get("source_kind", "")
    except (ValueError, AttributeError):
        return ""
    return kind if isinstance(kind, str) else ""


def incident_value(incident_id: int, **extra: object) -> str:
    """A button value or private_metadata carrying the incident id (and what the button does)."""
    return json.dumps({"incident_id": incident_id, **extra})


def parse_incident_value(value: str | None) -> tuple[int, dict[str, object]]:
    """The incident id and the rest of the value; NotUnderstood if it is not one of ours."""
    try:
        parsed = json.loads(value or "")
        incident_id = parsed.pop("incident_id")
    except (ValueError, KeyError, TypeError, AttributeError):
        raise NotUnderstood(f"not an incident reference: {value!r}") from None
    if not isinstance(incident_id, int) or incident_id <= 0:
        raise NotUnderstood(f"not an incident reference: {value!r}")
    return incident_id, parsed
