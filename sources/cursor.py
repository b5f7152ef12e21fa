"""The cursor most search APIs need: the newest timestamp seen, plus the ids seen at that instant.

Asking again from that instant (inclusive) and skipping those ids means items
sharing the last timestamp are neither lost nor repeated. Pure.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from sources.base import Cursor


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
