"""Reminder messages: an unclaimed case re-surfaced, an owner nudged, a snooze ended, a follow-up due."""

from __future__ import annotations

from typing import Any

from message_blocks.blocks import section
from message_blocks.card import case_card
from message_blocks.replies import case_line
from message_blocks.text import link, mrkdwn, slack_message_url
from message_blocks.views import CaseView


def _where(url: str | None) -> str:
    return f" {link(url, 'Open the card')}." if url else ""


def card_url(case: CaseView) -> str | None:
    return slack_message_url(case.channel_id, case.message_ts)


def unclaimed_text(case: CaseView) -> str:
    return f"Case #{case.case_id} is still unclaimed"


def unclaimed_blocks(case: CaseView, minutes: int, card_url: str | None) -> list[dict[str, Any]]:
    return [section(f"⏰ Nobody has claimed this for more than {minutes} min:{_where(card_url)}\n{case_line(case)}")]


def nudge_text(case: CaseView) -> str:
    return f"Case #{case.case_id} is past its resolution target"


def nudge_blocks(case: CaseView, hours: int, card_url: str | None) -> list[dict[str, Any]]:
    intro = f"⏰ Case #{case.case_id} is yours and has been open for more than {hours} h. Resolve it, or escalate if it is stuck.{_where(card_url)}"
    return [section(intro), section(case_line(case))]


def auto_escalation_reason(minutes: int) -> str:
    return f"Unclaimed for more than {minutes} minutes"


def auto_escalated_text(case_id: int) -> str:
    return f"Case #{case_id} was escalated to you: nobody claimed it in time."


def auto_escalated_dm(case: CaseView, reason: str) -> list[dict[str, Any]]:
    return [section(f"🚨 Case #{case.case_id} was escalated to you automatically: {mrkdwn(reason, 200)}.")] + [
        b for b in case_card(case) if b["type"] != "actions"
    ]


def unsnoozed_text(case: CaseView) -> str:
    return f"Case #{case.case_id} is back from snooze"


def unsnoozed_blocks(case: CaseView, card_url: str | None) -> list[dict[str, Any]]:
    return [section(f"🔔 Back from snooze:{_where(card_url)}\n{case_line(case)}")]


def follow_up_text(case: CaseView) -> str:
    return f"Follow up on case #{case.case_id}"


def follow_up_blocks(case: CaseView, card_url: str | None) -> list[dict[str, Any]]:
    return [
        section(f"📅 You asked to check that case #{case.case_id} stayed fixed. Is the customer still happy?{_where(card_url)}"),
        section(case_line(case)),
    ]
