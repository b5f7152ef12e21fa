"""Hacker News stories and comments, through Algolia's search_by_date API."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx
from pydantic import Field

from sources import http as bounded
from sources.base import Cursor, FetchResult, HttpSource, Mention, SourceConfig, SourceError
from sources.cursor import Since
from sources.text import html_to_text

ITEM_URL = "https://news.ycombinator.com/item?id={}"


class HackerNewsConfig(SourceConfig):
    query: str = Field(min_length=1)
    tags: str = "(story,comment)"
    hits_per_page: int = Field(default=100, ge=1, le=1000)
    max_pages: int = Field(default=5, ge=1, le=50)


class HackerNewsSource(HttpSource):
    kind: ClassVar[str] = "hackernews"
    Config: ClassVar[type[SourceConfig]] = HackerNewsConfig

    def __init__(self, config: HackerNewsConfig, http: httpx.Client) -> None:
        super().__init__(config, http)
        self.endpoint = (config.base_url or "https://hn.algolia.com").rstrip("/") + "/api/v1/search_by_date"

    def fetch(self, cursor: Cursor | None) -> FetchResult:
        # created_at_i has one-second resolution: ask from the last second seen (>=); Since skips
        # the ids already returned for that second.
        since = Since.read(cursor, self.config.lookback_hours)
        hits: list[dict[str, Any]] = []
        for page in range(self.config.max_pages):
            params = {
                "query": self.config.query,
                "tags": self.config.tags,
                "numericFilters": f"created_at_i>={int(since.at)}",
                "hitsPerPage": self.config.hits_per_page,
                "page": page,
            }
            fetched = bounded.get(self.http, self.endpoint, self.config, params=params, accept=("json",))
            try:
                body = json.loads(fetched.content)
                hits.extend(body["hits"])
                pages = int(body.get("nbPages", 1))
            except (ValueError, KeyError, TypeError) as exc:
                raise SourceError(f"Hacker News search sent an unexpected body: {type(exc).__name__}") from None
            if page + 1 >= pages:
                break
        mentions = [m for m in map(self._mention, hits) if m and since.is_new_mention(m)]
        return FetchResult(mentions, since.advance_past(mentions))

    def _mention(self, hit: dict[str, Any]) -> Mention | None:
        object_id = hit.get("objectID")
        if not object_id or not hit.get("created_at_i"):
            return None
        tags = hit.get("_tags") or []
        if "comment" in tags:
            title = f"Comment on: {hit.get('story_title') or 'a story'}"
            text = html_to_text(hit.get("comment_text"))
        else:
            title = hit.get("title") or ""
            text = html_to_text(hit.get("story_text"))
        return Mention(
            source_kind=self.kind,
            source_name=self.name,
            external_id=str(object_id),
            url=ITEM_URL.format(object_id),
            title=html_to_text(title),
            text=text,
            author=hit.get("author") or "",
            published_at=datetime.fromtimestamp(int(hit["created_at_i"]), tz=UTC),
            reach=hit.get("points"),
            extra={"story_url": hit.get("url") or hit.get("story_url"), "num_comments": hit.get("num_comments")},
        )
