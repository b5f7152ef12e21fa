"""The few block shapes every builder uses, each cut to Slack's limit for it (text is already escaped by the caller)."""

from __future__ import annotations

from typing import Any

from message_blocks.ids import Action

SECTION_TEXT_LIMIT = 3000
BUTTON_TEXT_LIMIT = 75
CONTEXT_TEXT_LIMIT = 2000
HEADER_TEXT_LIMIT = 150


def section(mrkdwn_text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn_text[:SECTION_TEXT_LIMIT]}}


def sections(lines: list[str]) -> list[dict[str, Any]]:
    """Lines in as few sections as fit Slack's limit, never cutting a line (and a link in it) in two."""
    blocks, chunk = [], ""
    for line in lines:
        if chunk and len(chunk) + 1 + len(line) > SECTION_TEXT_LIMIT:
            blocks.append(section(chunk))
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line
    return blocks + ([section(chunk)] if chunk else [])


def context(mrkdwn_text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn_text[:CONTEXT_TEXT_LIMIT]}]}


def header(plain_text: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": plain_text[:HEADER_TEXT_LIMIT]}}


def divider() -> dict[str, Any]:
    return {"type": "divider"}


def button(text: str, action: Action, *, style: str | None = None, **fields: Any) -> dict[str, Any]:
    """A button carrying a `value` for us (or a `url` Slack opens itself), and any other field (`confirm`) as given."""
    made: dict[str, Any] = {"type": "button", "text": {"type": "plain_text", "text": text[:BUTTON_TEXT_LIMIT]}, "action_id": action.value, **fields}
    if style:
        made["style"] = style
    return made
