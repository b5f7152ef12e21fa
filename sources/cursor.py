"""The cursor most search APIs need: the newest timestamp seen, plus the ids seen at that instant.

Asking again from that instant (inclusive) and skipping those ids means items
sharing the last timestamp are neither lost nor repeated. Pure.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from sources.base import Cursor, Mention


@dataclass(frozen=True)
class Since:
    at: float
    seen: frozenset[str]

    @classmethod
    def read(cls, cursor: Cursor | None, lookback_hours: float) -> Since:
        if not cursor or "since" not in cursor:
            return cls(time.time() - lookback_hours * 3600, frozenset())
        return cls(float(cursor["since"]), frozenset(cursor.get("ids_at_since", [])))

    def is_new(self, item_id: str, at: float) -> bool:
        return at > self.at or (at == self.at and item_id not in self.seen)

    def advance(self, items: Iterable[tuple[str, float]]) -> Cursor:
        items = list(items)
        newest = max((at for _, at in items), default=self.at)
        newest = max(newest, self.at)
        at_newest = {item_id for item_id, at in items if at == newest}
        if newest == self.at:
            at_newest |= self.seen
        return {"since": newest, "ids_at_since": sorted(at_newest)}

    def is_new_mention(self, mention: Mention) -> bool:
        """A dated mention newer than the cursor (an undated one cannot be placed, so it is not new)."""
        return mention.published_at is not None and self.is_new(mention.external_id, mention.published_at.timestamp())

    def reached_by(self, mentions: Iterable[Mention]) -> bool:
        """Whether a page of newest-first mentions reaches back to the cursor: older pages hold nothing new."""
        return any(m.published_at is not None and m.published_at.timestamp() <= self.at for m in mentions)

    def advance_past(self, mentions: Iterable[Mention]) -> Cursor:
        return self.advance((m.external_id, m.published_at.timestamp()) for m in mentions if m.published_at is not None)


def pages_left(left: bool, max_pages: int, what: str) -> str:
    """The FetchResult warning when `max_pages` ran out before the pages reached the cursor ("" when they did)."""
    return f"more than {max_pages} pages of new {what} since the last poll: the oldest were not fetched" if left else ""
