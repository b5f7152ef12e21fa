"""Apple App Store customer reviews for one app in one country (the public JSON feed).

The star rating travels with the mention: a 1-2 star review is a complaint
whatever its words. Each review carries its own `updated` date: the first poll
reports the reviews of the look-back window, later polls every review not seen
before. Apple has no public address for a single review, so the link is the
app's "all reviews" page.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from pydantic import Field

from sources import http as bounded
from sources.base import Cursor, FetchResult, HttpSource, Mention, SourceConfig, SourceError

SEEN_LIMIT = 2000


def _label(entry: dict[str, Any], key: str) -> str:
    value = entry.get(key) or {}
    return str(value.get("label", "")) if isinstance(value, dict) else ""


class AppStoreConfig(SourceConfig):
    app_id: str = Field(pattern=r"^\d+$")
    country: str = Field(default="us", pattern=r"^[a-z]{2}$")
    max_pages: int = Field(default=2, ge=1, le=10)


class AppStoreSource(HttpSource):
    kind: ClassVar[str] = "appstore"
    Config: ClassVar[type[SourceConfig]] = AppStoreConfig

    def _page(self, number: int) -> list[dict[str, Any]]:
        base = (self.config.base_url or "https://itunes.apple.com").rstrip("/")
        url = f"{base}/{self.config.country}/rss/customerreviews/page={number}/id={self.config.app_id}/sortby=mostrecent/json"
        fetched = bounded.get(self.http, url, self.config, accept=("json", "javascript"))
        try:
            entries = json.loads(fetched.content)["feed"].get("entry", [])
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise SourceError(f"the App Store sent an unexpected body: {type(exc).__name__}") from None
        # One review comes as an object, several as a list; the app's own entry has no rating.
        entries = [entries] if isinstance(entries, dict) else entries
        return [e for e in entries if isinstance(e, dict) and _label(e, "im:rating")]

    def fetch(self, cursor: Cursor | None) -> FetchResult:
        seen = None if cursor is None else set(cursor.get("seen", []))
        entries: list[dict[str, Any]] = []
        for number in range(1, self.config.max_pages + 1):
            page = self._page(number)
            entries += page
            if not page or seen is not None and any(_label(e, "id") in seen for e in page):
                break
        ids = [_label(e, "id") for e in entries]
        mentions = [m for m in map(self._mention, entries) if m and self._is_new(m, seen)]
        return FetchResult(mentions, {"seen": list(dict.fromkeys(ids + list(seen or [])))[:SEEN_LIMIT]})

    def _is_new(self, mention: Mention, seen: set[str] | None) -> bool:
        if seen is not None:
            return mention.external_id not in seen
        # First poll: the look-back window, like every source; an undated review is taken as old.
        oldest = datetime.now(UTC) - timedelta(hours=self.config.lookback_hours)
        return mention.published_at is not None and mention.published_at >= oldest

    def _mention(self, entry: dict[str, Any]) -> Mention | None:
        review_id = _label(entry, "id")
        try:
            rating = int(_label(entry, "im:rating"))
        except ValueError:
            return None
        try:
            updated = datetime.fromisoformat(_label(entry, "updated").replace("Z", "+00:00"))
        except ValueError:
            updated = None
        author = entry.get("author") or {}
        return Mention(
            source_kind=self.kind,
            source_name=self.name,
            external_id=review_id,
            url=f"https://apps.apple.com/{self.config.country}/app/id{self.config.app_id}?see-all=reviews",
            title=_label(entry, "title"),
            text=_label(entry, "content"),
            author=_label(author, "name") if isinstance(author, dict) else "",
            published_at=updated if updated and updated.tzinfo else None,
            rating=rating if 1 <= rating <= 5 else None,
            reach=int(_label(entry, "im:voteCount") or 0) or None,
            extra={"version": _label(entry, "im:version")},
            url_is_shared=True,
            about_the_brand=True,
        )
