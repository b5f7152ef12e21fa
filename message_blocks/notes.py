"""Thread notes and direct messages about a case."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain.views import CaseView
from message_blocks.blocks import button, divider, section
from message_blocks.card import ROOT_CAUSE_LABELS, case_card, duration, slack_date, source_label
from message_blocks.ids import Action, case_value
from message_blocks.text import link, mrkdwn


def claimed_note(case: CaseView, user_id: str) -> str:
    after = f" {duration(case.claimed_at - case.detected_at)} after detection" if case.claimed_at else ""
    return f"<@{user_id}> claimed this{after}."


def already_claimed_message(case: CaseView) -> str:
    if case.assignee:
        return f"<@{case.assignee}> already has case #{case.case_id}."
    return f"Case #{case.case_id} is {case.status} and can no longer be claimed."


_REFUSALS = {
    "draft": "Case #{id} is {status}; reopen it before drafting.",
    "escalate": "Case #{id} is {status} and cannot be escalated.",
    "take_over": "Case #{id} is {status}; only an escalated case can be taken over.",
    "resolve": "Case #{id} is already {status}.",
    "dismiss": "Case #{id} is already {status}.",
    "reopen": "Case #{id} is {status}, not closed.",
    "snooze": "Case #{id} is {status}; only an active case can be snoozed.",
}


def refusal_message(action: str, case: CaseView) -> str:
    """Why `action` could not happen to the case as it is now (someone else was faster, or it moved on)."""
    if action == "claim":
        return already_claimed_message(case)
    return _REFUSALS[action].format(id=case.case_id, status=case.status)


def not_allowed_message(audience: str, channel: str, what: str) -> str:
    who = "managers" if audience == "managers" else f"members of <#{channel}>"
    return f"Only {who} can {what}."


def dismissed_note(user_id: str) -> str:
    return f"<@{user_id}> marked this as not a complaint; it is kept as feedback for the detector."


def muted_note(user_id: str, author: str) -> str:
    return f"<@{user_id}> muted {mrkdwn(author, 100)}: their future mentions are ignored."


def reopened_note(user_id: str) -> str:
    return f"<@{user_id}> reopened this."


def snoozed_note(user_id: str, until: datetime) -> str:
    return f"<@{user_id}> snoozed this until {slack_date(until)}."


def escalated_to_you_text(case_id: int) -> str:
    return f"Case #{case_id} was escalated to you."


def escalation_answered_text(case_id: int, what: str) -> str:
    return f"You {what} case #{case_id}."


def reply_sent_note(case: CaseView, user_id: str, url: str) -> str:
    after = f" {duration(case.first_response_at - case.detected_at)} after detection" if case.first_response_at else ""
    return f"<@{user_id}> sent the public reply{after}: {link(url, url)}"


def escalated_note(case: CaseView, user_id: str, manager_id: str, severity: str, reason: str) -> str:
    return f"<@{user_id}> escalated this to <@{manager_id}> (severity {mrkdwn(severity, 20)}): {mrkdwn(reason, 1500)}"


def resolved_note(case: CaseView, user_id: str) -> str:
    cause = ROOT_CAUSE_LABELS.get(case.root_cause or "", case.root_cause or "unknown")
    after = f" {duration(case.resolved_at - case.detected_at)} after detection" if case.resolved_at else ""
    return f"<@{user_id}> resolved this{after} — root cause: {cause}. {mrkdwn(case.resolution, 1500)}"


def acknowledged_note(manager_id: str) -> str:
    return f"<@{manager_id}> acknowledged the escalation."


def taken_over_note(manager_id: str) -> str:
    return f"<@{manager_id}> took this over."


def escalation_dm(case: CaseView, user_id: str, severity: str, reason: str, permalink: str | None) -> list[dict[str, Any]]:
    where = f" ({link(permalink, 'open in channel')})" if permalink else ""
    intro = (
        f"<@{user_id}> escalated case #{case.case_id} from {mrkdwn(source_label(case), 100)} to you{where}.\n"
        f"*Severity:* {mrkdwn(severity, 20)}\n*Reason:* {mrkdwn(reason, 1500)}"
    )
    card = [b for b in case_card(case) if b["type"] != "actions"]
    buttons = {
        "type": "actions",
        "block_id": f"escalation-{case.case_id}",
        "elements": [
            button("Acknowledge", Action.ACKNOWLEDGE, style="primary", value=case_value(case.case_id)),
            button("Take over", Action.TAKE_OVER, value=case_value(case.case_id)),
        ],
    }
    return [section(intro), divider(), *card, buttons]


def escalation_done(case: CaseView, what: str, manager_id: str) -> list[dict[str, Any]]:
    """The escalation DM once the manager has answered it: no more buttons."""
    headline = mrkdwn(case.title or case.text, 200)
    return [section(f"<@{manager_id}> {what} case #{case.case_id}: {link(case.url, headline)}")]


def card_link(permalink: str) -> dict[str, Any]:
    """Added to a DM once its case's card is in the channel."""
    return section(f"👉 {link(permalink, 'Open the card in the triage channel')} to claim it or see who has.")


def urgent_case_dm(case: CaseView) -> list[dict[str, Any]]:
    """A severe new case, sent straight to the manager as well as to the channel."""
    intro = f"🚨 A *{case.severity}* complaint just came in (case #{case.case_id}); it is in the triage channel too."
    return [section(intro)] + [b for b in case_card(case) if b["type"] != "actions"]


def source_failing(name: str, failures: int, last_success: datetime | None, error: str) -> str:
    since = f"; last worked {slack_date(last_success)}" if last_success else "; it has never worked"
    return f"⚠️ Source *{mrkdwn(name, 100)}* has failed {failures} polls in a row{since}. Last error: {mrkdwn(error, 500)}"


def source_recovered(name: str) -> str:
    return f"✅ Source *{mrkdwn(name, 100)}* is working again."
