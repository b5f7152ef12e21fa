"""Block Kit rendered as plain terminal text, for `preview` and `--dry-run`."""

from __future__ import annotations

import html
import re
from datetime import datetime, tzinfo
from typing import Any

_DATE = re.compile(r"<!date\^(\d+)\^[^|>]*\|([^>]*)>")
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]*)>")
_MENTION = re.compile(r"<@([A-Z0-9]+)>")


def _text(mrkdwn: str, zone: tzinfo | None) -> str:
    # Slack shows a date in each reader's zone; the terminal shows it in the configured one (else the UTC fallback).
    text = _DATE.sub(lambda m: m.group(2) if zone is None else f"{datetime.fromtimestamp(int(m.group(1)), zone):%Y-%m-%d %H:%M %Z}", mrkdwn)
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", text)
    text = _MENTION.sub(r"@\1", text)
    return html.unescape(text)


def render(blocks: list[dict[str, Any]], width: int = 88, *, zone: tzinfo | None = None) -> str:
    lines = ["┌" + "─" * (width - 2)]
    for block in blocks:
        kind = block["type"]
        if kind == "section":
            texts = ([block["text"]["text"]] if "text" in block else []) + [f["text"] for f in block.get("fields", [])]
            lines += [f"│ {line}" for text in texts for line in _text(text, zone).split("\n")]
            if block.get("accessory", {}).get("type") == "button":
                lines.append(f"│ [ {block['accessory']['text']['text']} ]")
        elif kind == "context":
            lines += [f"│   {line}" for e in block["elements"] for line in _text(e.get("text", ""), zone).split("\n")]
        elif kind == "actions":
            lines.append("│ " + "  ".join(f"[ {e['text']['text']} ]" if "text" in e else "[ ⋯ ]" for e in block["elements"]))
        elif kind == "divider":
            lines.append("│ " + "─" * (width - 4))
        elif kind == "header":
            lines.append(f"│ {block['text']['text'].upper()}")
    lines.append("└" + "─" * (width - 2))
    return "\n".join(lines)
