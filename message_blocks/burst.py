"""One summary card for a burst of new cases, instead of flooding the channel."""

from __future__ import annotations

from collections import Counter
from typing import Any

from bot.domain.views import CaseView
from message_blocks.blocks import context, section
from message_blocks.replies import case_line
from message_blocks.text import mrkdwn

LISTED = 15


def burst_text(count: int) -> str:
    return f"{count} new complaints arrived at once"


def burst_summary(
    listed: list[CaseView], *, summarised: int, topics: Counter[str], sources: Counter[str], posted_separately: int
) -> list[dict[str, Any]]:
    """`summarised` cases folded into one message: their `topics` and `sources` counted, the first LISTED of them
    (`listed`, the caller loads no more) shown one a line."""
    headline = f"*{summarised + posted_separately} new complaints* arrived at once"
    if posted_separately:
        headline += f"; the {posted_separately} most severe are posted as cards below, the rest are summarised here"
    facts = []
    if topics:
        facts.append("Top topics: " + ", ".join(f"{mrkdwn(t, 40)} ({n})" for t, n in topics.most_common(5)))
    facts.append("Sources: " + ", ".join(f"{mrkdwn(s, 60)} ({n})" for s, n in sources.most_common(5)))
    blocks: list[dict[str, Any]] = [
        section(f"📣 {headline}. A spike like this may be one systemic problem."),
        context(" · ".join(facts)),
    ]
    lines = "\n".join(case_line(case) for case in listed[:LISTED])
    blocks.append(section(lines))
    if summarised > LISTED:
        more = f"…and {summarised - LISTED} more: `/complaint list unclaimed`, or `/complaint show ID` for any one with its buttons."
        blocks.append(context(more))
    return blocks
