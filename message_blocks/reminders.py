"""Reminder messages: an unclaimed case re-surfaced, an owner nudged, a snooze ended, a follow-up due."""

from __future__ import annotations

from typing import Any

from bot.domain.views import CaseView
from message_blocks.blocks import context, section, sections
from message_blocks.card import case_card
from message_blocks.replies import case_line
from message_blocks.text import link, mrkdwn, slack_message_url


def _where(url: str | None) -> str:
    return f" {link(url, 'Open the card')}." if url else ""


def card_url(case: CaseView) -> str | None:
    return slack_message_url(case.channel_id, case.message_ts)


# One reminder lists at most this many cases; the rest are counted (they each have a note in their thread).
MAX_REMINDED = 20


def unclaimed_note(minutes: int) -> str:
    """In the card's thread, where it stays with the case instead of adding to the channel."""
    return f"⏰ Nobody has claimed this for more than {minutes} min."


def unclaimed_text(cases: list[CaseView]) -> str:
    if len(cases) == 1:
        return f"Case #{cases[0].case_id} is still unclaimed"
    return f"{len(cases)} cases are still unclaimed"


def unclaimed_blocks(cases: list[CaseView], minutes: int) -> list[dict[str, Any]]:
    """One channel message for every case that went past its claim target in the same minute."""
    which = "this" if len(cases) == 1 else f"these {len(cases)} cases"
    return _listed(cases, f"⏰ Nobody has claimed {which} for more than {minutes} min", "`/complaint list unclaimed`")


def _listed(cases: list[CaseView], heading: str, shows_all: str) -> list[dict[str, Any]]:
    """One channel message for many cases: a line each with its card's link, at most MAX_REMINDED of them."""
    if len(cases) == 1:
        return [section(f"{heading}:{_where(card_url(cases[0]))}\n{case_line(cases[0])}")]
    lines = [f"{case_line(case)}{_where(card_url(case))}" for case in cases[:MAX_REMINDED]]
    blocks = [section(f"{heading}:"), *sections(lines)]
    if len(cases) > MAX_REMINDED:
        blocks.append(context(f"…and {len(cases) - MAX_REMINDED} more: {shows_all} shows them all."))
    return blocks


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


def unsnoozed_note() -> str:
    """In the card's thread: the case's own history says when its snooze ended."""
    return "🔔 Back from snooze."


def unsnoozed_text(cases: list[CaseView]) -> str:
    if len(cases) == 1:
        return f"Case #{cases[0].case_id} is back from snooze"
    return f"{len(cases)} cases are back from snooze"


def unsnoozed_blocks(cases: list[CaseView]) -> list[dict[str, Any]]:
    """One channel message for every case whose snooze ended in the same minute (a morning of snoozes ends at once)."""
    heading = "🔔 Back from snooze" if len(cases) == 1 else f"🔔 Back from snooze, {len(cases)} cases"
    return _listed(cases, heading, "`/complaint list`")


def follow_up_text(case: CaseView) -> str:
    return f"Follow up on case #{case.case_id}"


def follow_up_blocks(case: CaseView, card_url: str | None) -> list[dict[str, Any]]:
    return [
        section(f"📅 You asked to check that case #{case.case_id} stayed fixed. Is the customer still happy?{_where(card_url)}"),
        section(case_line(case)),
    ]
