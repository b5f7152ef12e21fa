"""The App Home tab: my cases, unclaimed cases, escalations waiting for me, this week's numbers."""

from __future__ import annotations

from typing import Any

from bot.domain.views import CaseView, SourcePrecision
from message_blocks.blocks import context, divider, header, section
from message_blocks.digest import precision_line, threshold_advice_lines
from message_blocks.replies import case_line

SHOWN_PER_SECTION = 10


def _cases(cases: list[CaseView], total: int, empty: str) -> list[dict[str, Any]]:
    if not cases:
        return [context(empty)]
    lines = "\n".join(case_line(c) for c in cases[:SHOWN_PER_SECTION])
    blocks: list[dict[str, Any]] = [section(lines)]
    if total > SHOWN_PER_SECTION:
        more = f"…and {total - SHOWN_PER_SECTION} more (`/complaint list`)."
        blocks.append(context(more))
    return blocks


def home_view(
    *,
    mine: list[CaseView],
    mine_total: int,
    unclaimed: list[CaseView],
    unclaimed_total: int,
    escalated_to_me: list[CaseView] | None,
    metrics: list[tuple[str, str]],
    precision: tuple[SourcePrecision, ...] = (),
) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [header(f"Your cases ({mine_total})")]
    blocks += _cases(mine, mine_total, "Nothing claimed by you right now.")
    if escalated_to_me is not None:
        blocks += [divider(), header(f"Escalated to you ({len(escalated_to_me)})")]
        blocks += _cases(escalated_to_me, len(escalated_to_me), "No escalations waiting for you.")
    blocks += [divider(), header(f"Unclaimed ({unclaimed_total})")]
    blocks += _cases(unclaimed, unclaimed_total, "Every case has an owner. 🎉")
    blocks += [divider(), header("Last 7 days")]
    if metrics:
        fields = [{"type": "mrkdwn", "text": f"*{label}*\n{value}"} for label, value in metrics[:10]]
        blocks.append({"type": "section", "fields": fields})
    else:
        blocks.append(context("No cases this week yet."))
    if precision:
        blocks.append(context(precision_line(precision)))
        blocks += [context(line) for line in threshold_advice_lines(precision)[:5]]
    return {"type": "home", "blocks": blocks[:100]}
