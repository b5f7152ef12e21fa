"""Reminder messages: an unclaimed case re-surfaced, an owner nudged, a snooze ended, a follow-up due."""

from __future__ import annotations

from typing import Any

from message_blocks.card import case_card
from message_blocks.replies import case_line
from message_blocks.text import link, mrkdwn
from message_blocks.views import CaseView


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def _where(url: str | None) -> str:
    return f" {link(url, 'Open the card')}." if url else ""


def unclaimed_text(case: CaseView) -> str:
    return f"Case #{case.case_id} is still unclaimed"


def unclaimed_blocks(case: CaseView, minutes: int, card_url: str | None) -> list[dict[str, Any]]:
    return [_section(f"⏰ Nobody has claimed this for more than {minutes} min:{_where(card_url)}\n{case_line(case)}")]


def nudge_text(case: CaseView) -> str:
    return f"Case #{case.case_id} is past its resolution target"


def nudge_blocks(case: CaseView, hours: int, card_url: str | None) -> list[dict[str, Any]]:
    intro = f"⏰ Case #{case.case_id} is yours and has been open for more than {hours} h. Resolve it, or escalate if it is stuck.{_where(card_url)}"
    return [_section(intro), _section(case_line(case))]


def auto_escalated_dm(case: CaseView, reason: str) -> list[dict[str, Any]]:
    return [_section(f"🚨 Case #{case.case_id} was escalated to you automatically: {mrkdwn(reason, 200)}.")] + [
        b for b in case_card(case) if b["type"] != "actions"
    ]


def unsnoozed_text(case: CaseView) -> str:
    return f"Case #{case.case_id} is back from snooze"


def unsnoozed_blocks(case: CaseView, card_url: str | None) -> list[dict[str, Any]]:
    return [_section(f"🔔 Back from snooze:{_where(card_url)}\n{case_line(case)}")]


def follow_up_text(case: CaseView) -> str:
    return f"Follow up on case #{case.case_id}"


def follow_up_blocks(case: CaseView, card_url: str | None) -> list[dict[str, Any]]:
    return [
        _section(f"📅 You asked to check that case #{case.case_id} stayed fixed. Is the customer still happy?{_where(card_url)}"),
        _section(case_line(case)),
    ]
