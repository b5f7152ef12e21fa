"""Modals opened from the card: draft reply, reply sent, escalate, resolve."""

from __future__ import annotations

from typing import Any

from bot.domain.enums import RootCause, Severity
from bot.domain.languages import foreign_language
from bot.domain.views import CaseView, DraftOptions, DraftShown
from message_blocks.blocks import context, section
from message_blocks.card import kind_label
from message_blocks.ids import Field, View, case_value, draft_modal_value
from message_blocks.text import mrkdwn

TEXT_INPUT_LIMIT = 3000
ROOT_CAUSES = (
    (RootCause.ISOLATED, "Isolated case"),
    (RootCause.SYSTEMIC, "Systemic problem"),
    (RootCause.NOT_ACTIONABLE, "Not actionable"),
    (RootCause.TROLL, "Troll"),
)
FOLLOW_UPS = ((7, "In a week"), (14, "In two weeks"), (30, "In a month"))
TONE_LABELS = (("warm", "Warm"), ("formal", "Formal"), ("brief", "Brief"))


def _option(value: str, label: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": label}, "value": value}


def _modal(view: View, title: str, submit: str, case_id: int, blocks: list[dict[str, Any]], metadata: str | None = None) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": view.value,
        "private_metadata": metadata or case_value(case_id),
        "title": {"type": "plain_text", "text": title[:24]},
        "submit": {"type": "plain_text", "text": submit[:24]},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def _case_summary(case: CaseView) -> dict[str, Any]:
    headline = mrkdwn(case.title or case.text, 200)
    excerpt = mrkdwn(case.text, 600) if case.title else ""
    text = f"*#{case.case_id}* {headline}" + (f"\n{excerpt}" if excerpt else "")
    return section(text)


def draft_block_id(options: DraftOptions, written_by: str = "playbook") -> str:
    worded = "" if written_by == "playbook" else "-worded"
    return f"{Field.DRAFT_TEXT.value}-{options.tone}-{int(options.offer_gesture)}{int(options.move_offline)}{worded}"


def _text_input(
    field: Field,
    label: str,
    *,
    multiline: bool,
    initial: str | None = None,
    optional: bool = False,
    hint: str | None = None,
    block_id: str | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": field.value, "multiline": multiline}
    if initial:
        element["initial_value"] = initial[:TEXT_INPUT_LIMIT]
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id or field.value,
        "label": {"type": "plain_text", "text": label},
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = {"type": "plain_text", "text": hint}
    return block


def reply_language_note(language: str, draft: DraftShown) -> str:
    """Replies go out in the customer's language: the playbook's draft is in English, the LLM writer's in theirs."""
    if draft.written_by == "playbook":
        return f"🌐 *This mention is in {language}: reply in {language} too.* The draft below is in English: translate it before saving."
    return f"🌐 *This mention is in {language}: reply in {language} too.* The draft below was written in {language}: check it reads well."


def draft_modal(case: CaseView, draft: DraftShown, options: DraftOptions) -> dict[str, Any]:
    tone_options = [_option(value, label) for value, label in TONE_LABELS]
    extra_options = [
        _option("gesture", "Offer a gesture (coupon or credit)"),
        _option("offline", "Offer to continue privately"),
    ]
    chosen = [o for o in extra_options if (o["value"] == "gesture" and options.offer_gesture) or (o["value"] == "offline" and options.move_offline)]
    options_element: dict[str, Any] = {"type": "checkboxes", "action_id": Field.DRAFT_OPTIONS.value, "options": extra_options}
    if chosen:
        options_element["initial_options"] = chosen
    blocks = [
        _case_summary(case),
        {
            "type": "input",
            "block_id": Field.DRAFT_TONE.value,
            "label": {"type": "plain_text", "text": "Tone"},
            "dispatch_action": True,
            "element": {
                "type": "radio_buttons",
                "action_id": Field.DRAFT_TONE.value,
                "options": tone_options,
                "initial_option": next(o for o in tone_options if o["value"] == options.tone),
            },
        },
        {
            "type": "input",
            "block_id": Field.DRAFT_OPTIONS.value,
            "label": {"type": "plain_text", "text": "Options"},
            "optional": True,
            "dispatch_action": True,
            "element": options_element,
        },
    ]
    if draft.note:
        blocks.append(section(f"🛑 {mrkdwn(draft.note, 1000)}"))
    if language := foreign_language(case.language):
        blocks.append(section(reply_language_note(language, draft)))
    if draft.rewording:
        blocks.append(context("✍️ The writer is rewording this draft; it will appear here in a few seconds. Edit after it does."))
    blocks.append(
        _text_input(
            Field.DRAFT_TEXT,
            "Draft reply",
            multiline=True,
            initial=draft.text,
            hint="Saved drafts are posted in the card's thread for review, and published from there where the source allows it.",
            # Slack keeps what was typed into a block it already shows; a new block_id per tone,
            # options and wording makes a changed choice show its freshly written draft.
            block_id=draft_block_id(options, draft.written_by),
        )
    )
    if draft.checklist:
        blocks.append(context("\n".join(f"• {mrkdwn(line, 300)}" for line in draft.checklist[:12])))
    metadata = draft_modal_value(case.case_id, case.source_kind)
    return _modal(View.DRAFT, "Draft a reply", "Save draft", case.case_id, blocks, metadata)


def draft_too_long(source_kind: str, length: int, limit: int) -> str:
    """Shown under the draft when an edit took it past the network's limit (counted as the network counts)."""
    return f"{kind_label(source_kind)} counts this reply as {length} characters and allows {limit}: shorten it."


def reply_sent_modal(case: CaseView) -> dict[str, Any]:
    blocks = [
        _case_summary(case),
        _text_input(Field.REPLY_URL, "Link to the public reply", multiline=False, hint="Paste the URL of the reply you posted."),
    ]
    return _modal(View.REPLY_SENT, "Reply sent", "Record", case.case_id, blocks)


def escalate_modal(case: CaseView, default_manager: str | None) -> dict[str, Any]:
    manager: dict[str, Any] = {"type": "users_select", "action_id": Field.MANAGER.value}
    if default_manager:
        manager["initial_user"] = default_manager
    severity_options = [_option(s, s.capitalize()) for s in Severity]
    initial_severity = Severity.parse(case.severity, default=Severity.MEDIUM)
    blocks = [
        _case_summary(case),
        {"type": "input", "block_id": Field.MANAGER.value, "label": {"type": "plain_text", "text": "Manager"}, "element": manager},
        _text_input(Field.REASON, "Why does this need a manager?", multiline=True),
        {
            "type": "input",
            "block_id": Field.SEVERITY.value,
            "label": {"type": "plain_text", "text": "Severity"},
            "element": {
                "type": "static_select",
                "action_id": Field.SEVERITY.value,
                "options": severity_options,
                "initial_option": next(o for o in severity_options if o["value"] == initial_severity),
            },
        },
    ]
    return _modal(View.ESCALATE, "Escalate to manager", "Escalate", case.case_id, blocks)


def resolve_modal(case: CaseView) -> dict[str, Any]:
    cause_options = [_option(value, label) for value, label in ROOT_CAUSES]
    blocks = [
        _case_summary(case),
        _text_input(Field.RESOLUTION, "What was done?", multiline=True),
        {
            "type": "input",
            "block_id": Field.ROOT_CAUSE.value,
            "label": {"type": "plain_text", "text": "Root cause"},
            "element": {"type": "radio_buttons", "action_id": Field.ROOT_CAUSE.value, "options": cause_options},
        },
        {
            "type": "input",
            "block_id": Field.FOLLOW_UP.value,
            "label": {"type": "plain_text", "text": "Remind me to check it stayed fixed"},
            "optional": True,
            "element": {
                "type": "static_select",
                "action_id": Field.FOLLOW_UP.value,
                "placeholder": {"type": "plain_text", "text": "No reminder"},
                "options": [_option(str(days), label) for days, label in FOLLOW_UPS],
            },
        },
    ]
    return _modal(View.RESOLVE, "Mark resolved", "Resolve", case.case_id, blocks)
