"""The mentions the detector scored just under the line, posted after the digest: a person may know better."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.domain.views import NearMiss
from message_blocks.blocks import button, context, section
from message_blocks.ids import Action, mention_value
from message_blocks.text import link, mrkdwn, plural, quote_block

# Enough of a mention to judge it by; the link has the rest.
EXCERPT_CHARS = 400


def near_miss_text(near: Sequence[NearMiss]) -> str:
    return f"{plural(len(near), 'mention')} scored just under the line: report any the detector missed."


def near_miss_blocks(near: Sequence[NearMiss]) -> list[dict[str, Any]]:
    """One section per mention, with its score and a button that reports it as a complaint."""
    blocks = [
        section(
            "*Just under the line*: mentions the detector did not flag, closest to their source's threshold. If one is a "
            "complaint, report it: it becomes a case, and once resolved, a label for `complaint-bot train --add`."
        )
    ]
    for miss in near:
        text = f"{link(miss.url, miss.title or miss.url, 150)}\n{quote_block(miss.excerpt, EXCERPT_CHARS)}"
        report = button("Report as complaint", Action.REPORT_NEAR_MISS, value=mention_value(miss.mention_id))
        blocks.append(section(text) | {"accessory": report})
        blocks.append(context(f"{mrkdwn(miss.source, 60)} · scored {miss.score:.2f}, flagged from {miss.threshold:g}"))
    return blocks
