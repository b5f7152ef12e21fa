"""Incidents the bot opens by itself. The rule, kept simple (docs/incidents.md):

- A spike (a topic or a source with at least 5 complaints in 24 hours and 3 times its usual
  day, as the "possible systemic issue" alert already finds) groups that day's active cases
  of that topic or source that are in no incident yet: into the open incident an earlier spike
  of the same key opened, else into a new one. Fewer than 2 such cases: nothing to group.
- A burst (one poll opening more new cases than [slack] burst_threshold) groups them all into
  one new incident, and its card is the one message in the channel: the cases' own cards are
  not posted (the card quotes the most severe; a case someone acts on gets its card then).

Replicas act once: a new incident's trigger key (the spike's key and day, or the burst's
first and last case) is unique, and a case joins at most one incident.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.domain.enums import IncidentOrigin
from bot.flows.incidents import move_in, open_with_note
from bot.runtime import Runtime
from bot.services import incidents
from message_blocks.text import plural

# Fewer cases than this left to group: they are already in an incident (or alone): no new one.
MIN_CASES = 2


def _matches(key: str, topics: list[str], source: str) -> bool:
    kind, _, name = key.partition(" ")
    return name in topics if kind == "topic" else source == name


def from_spike(session: Session, *, key: str, today: int, usual: float, now: datetime) -> int | None:
    """Group the spike's cases into an incident (in the caller's transaction); the incident's id, None if nothing was grouped."""
    candidates = [case_id for case_id, topics, source in incidents.recent_unlinked(session=session, since=now - timedelta(days=1))
                  if _matches(key, topics, source)]
    if len(candidates) < MIN_CASES:
        return None
    incident_id = incidents.open_by_trigger(session=session, prefix=f"spike:{key}:")
    if incident_id is None:
        incident_id = open_with_note(
            session, title=f"Spike: {key}", origin=IncidentOrigin.SPIKE, opened_by="bot", now=now,
            why=f"{key} had {today} complaints in 24 h against about {usual:g} on a usual day",
            trigger_key=f"spike:{key}:{now.date().isoformat()}",
        )
        if incident_id is None:
            return None
    moved = move_in(session, incident_id, candidates, "bot", now)
    return incident_id if moved.added else None


def from_burst(rt: Runtime, *, case_ids: list[int]) -> int | None:
    """One poll opened more cases than the burst threshold: they become one incident. None if another replica grouped them."""
    if len(case_ids) <= rt.config.slack.burst_threshold:
        return None
    now = rt.clock()
    title = f"Burst: {plural(len(case_ids), 'complaint')} in one poll"
    with rt.transaction() as session:
        incident_id = open_with_note(
            session, title=title, origin=IncidentOrigin.BURST, opened_by="bot", now=now,
            why=f"{plural(len(case_ids), 'new case')} arrived in one poll", trigger_key=f"burst:{min(case_ids)}-{max(case_ids)}",
        )
        if incident_id is None:
            return None
        moved = move_in(session, incident_id, case_ids, "bot", now)
        incidents.fold_cards(session=session, incident_id=incident_id, case_ids=moved.added, now=now)
    return incident_id
