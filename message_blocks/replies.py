"""Ephemeral replies to `/complaint` and the message shortcut."""

from __future__ import annotations

from typing import Any

from bot.domain.views import CaseView, EventView, SourceHealthView
from message_blocks.blocks import context, divider, section
from message_blocks.card import SEVERITY_ICONS, STATUS_LABELS, case_card, kind_label, slack_date
from message_blocks.text import link, mrkdwn, plural

MAX_LISTED = 25




def text_reply(text: str) -> list[dict[str, Any]]:
    """A one-line reply; the text may echo user input, so it is escaped."""
    return [section(mrkdwn(text, 2900))]


def fallback_text(blocks: list[dict[str, Any]]) -> str:
    """The notification text for a reply: its first section, or our name."""
    first = blocks[0]
    return first.get("text", {}).get("text", "Complaint Bot")[:300] if first["type"] == "section" else "Complaint Bot"


def claimed_reply(case_id: int) -> list[dict[str, Any]]:
    return text_reply(f"Case #{case_id} is yours.")


def muted_reply(author: str, *, muted: bool, changed: bool) -> list[dict[str, Any]]:
    if muted:
        return text_reply(f"Muted {author}: their future mentions are ignored." if changed else f"{author} was already muted.")
    return text_reply(f"Unmuted {author}." if changed else f"{author} was not muted.")


def notice(mrkdwn_text: str) -> list[dict[str, Any]]:
    """A one-line reply built by us (may contain user mentions); never pass untrusted text."""
    return [section(mrkdwn_text)]


def help_reply(commands: tuple[tuple[str, str], ...], problem: str | None = None) -> list[dict[str, Any]]:
    lines = "\n".join(f"`/complaint {usage}` — {what}" for usage, what in commands)
    blocks = [section(f"{problem}\nHere is what I understand:") if problem else section("*Complaint Bot*")]
    return blocks + [section(lines)]


def case_line(case: CaseView) -> str:
    icon = SEVERITY_ICONS.get(case.severity, "⚪")
    title = link(case.url, case.title or case.text, 120)
    owner = f" · <@{case.assignee}>" if case.assignee else ""
    return f"{icon} *#{case.case_id}* {title} — {STATUS_LABELS.get(case.status, case.status)}{owner} · detected {slack_date(case.detected_at)}"


def case_list(title: str, cases: list[CaseView], total: int) -> list[dict[str, Any]]:
    if not cases:
        return [section(f"*{title}*: nothing here. 🎉")]
    lines = [case_line(case) for case in cases[:MAX_LISTED]]
    blocks = [section(f"*{title}* ({total})")]
    chunk: list[str] = []
    for line in lines:
        if sum(len(x) + 1 for x in chunk) + len(line) > 2900:
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    blocks.append(section("\n".join(chunk)))
    if total > len(lines):
        blocks.append(context(f"…and {total - len(lines)} more. Narrow it down with `/complaint list mine` or `unclaimed`."))
    return blocks


def case_detail(case: CaseView, history: list[EventView]) -> list[dict[str, Any]]:
    lines = [f"{slack_date(e.at)} — {mrkdwn(e.action.replace('_', ' '), 40)} by {_actor(e.actor)}" for e in history[-15:]]
    blocks = case_card(case)
    if lines:
        blocks = blocks + [divider(), context("*History*\n" + "\n".join(lines))]
    return blocks


def _actor(actor: str) -> str:
    return "the bot" if actor == "bot" else f"<@{mrkdwn(actor, 20)}>"


def sources_health(sources: list[SourceHealthView]) -> list[dict[str, Any]]:
    if not sources:
        return [section("No sources are configured. Add `[[sources]]` tables to the config file.")]
    blocks = [section("*Sources*")]
    for source in sources[:40]:
        if not source.enabled:
            state = "⏸ disabled"
        elif source.consecutive_failures:
            state = f"🔴 failing ({source.consecutive_failures} in a row)"
        elif source.last_success_at:
            state = "🟢 ok"
        else:
            state = "⚪ not polled yet"
        facts = [f"*{mrkdwn(source.name, 80)}* ({mrkdwn(kind_label(source.kind), 30)}) — {state}"]
        if source.last_success_at:
            facts.append(f"last success {slack_date(source.last_success_at)}")
        facts.append(f"{plural(source.items_seen, 'item')} seen")
        if source.last_error and source.consecutive_failures:
            facts.append(f"last error {slack_date(source.last_error_at) if source.last_error_at else ''}: {mrkdwn(source.last_error, 300)}")
        blocks.append(section(" · ".join(facts)))
    return blocks


def case_reported(case: CaseView, existed: bool, untitled: bool = False) -> list[dict[str, Any]]:
    """`untitled`: the page could not be fetched (or has no title), so the case is titled with its URL."""
    if existed:
        return [section(f"That was already case *#{case.case_id}* ({STATUS_LABELS.get(case.status, case.status)}): {link(case.url, case.title or case.url, 120)}")]
    blocks = [section(f"Created case *#{case.case_id}*; its card is on its way to the triage channel.")]
    if untitled:
        blocks.append(context("I could not fetch a title from that page (unreachable, private, not HTML or too slow), so the card shows its URL instead."))
    return blocks
