"""Publishing a person's App Home, rebuilt each time they open it."""

from __future__ import annotations

from bot.flows.reports import precision_by_source, week_rows
from bot.runtime import Runtime
from bot.services import queries
from message_blocks.home import SHOWN_PER_SECTION, home_view


def publish(rt: Runtime, *, user_id: str) -> None:
    with rt.transaction() as session:
        mine = queries.listed(session=session, which="mine", user_id=user_id, limit=SHOWN_PER_SECTION)
        unclaimed = queries.listed(session=session, which="unclaimed", user_id=user_id, limit=SHOWN_PER_SECTION)
        escalated = queries.listed(session=session, which="escalated to me", user_id=user_id, limit=SHOWN_PER_SECTION)
        metrics = week_rows(session, now=rt.clock(), sla=rt.config.sla)
        precision = precision_by_source(rt, session, end=rt.clock())
    view = home_view(
        mine=mine.shown,
        mine_total=mine.total,
        unclaimed=unclaimed.shown,
        unclaimed_total=unclaimed.total,
        # Managers always see the section; anyone else only when something was escalated to them.
        escalated_to_me=escalated.shown if escalated.shown or user_id in rt.config.slack.managers else None,
        metrics=metrics,
        precision=precision,
    )
    rt.slack.views_publish(user_id=user_id, view=view)
