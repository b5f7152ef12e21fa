"""YouTube comments on a channel's videos, for users with a Data API key; disabled without one.

Threads come newest first; pages follow `nextPageToken` until one reaches
what the cursor has seen, up to `max_pages` (each page costs a quota unit;
more than that is said, not hidden). A spent quota is a 403 whose reason is
nested in the body: it is reported as a wait until the quota comes back.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import Field

from sources import http as bounded
from sources.base import Cursor, FetchResult, HttpSource, Mention, SourceConfig, SourceHttpError, secret_from_env
from sources.cursor import Since, pages_left
from sources.google_api import quota_error
from sources.text import iso_time


class YouTubeConfig(SourceConfig):
    channel_id: str = Field(pattern=r"^UC[\w-]{20,}$")
    api_key_env: str = "YOUTUBE_API_KEY"
    max_results: int = Field(default=100, ge=1, le=100)
    max_pages: int = Field(default=5, ge=1, le=50)


class YouTubeSource(HttpSource):
    kind: ClassVar[str] = "youtube"
    Config: ClassVar[type[SourceConfig]] = YouTubeConfig

    def _page(self, key: str, page_token: str, max_results: int) -> dict[str, Any]:
        url = (self.config.base_url or "https://www.googleapis.com").rstrip("/") + "/youtube/v3/commentThreads"
        params: dict[str, str | int] = {
            "part": "snippet",
            "allThreadsRelatedToChannelId": self.config.channel_id,
            "order": "time",
            "maxResults": max_results,
            "textFormat": "plainText",
            "key": key,
        }
        if page_token:
            params["pageToken"] = page_token
        try:
            fetched = bounded.get(self.http, url, self.config, params=params, accept=("json",))
        except SourceHttpError as exc:
            raise quota_error(exc, "YouTube", datetime.now(UTC)) or exc from None
        return bounded.json_listing(fetched, "YouTube", missing_ok=True)

    def fetch(self, cursor: Cursor | None) -> FetchResult:
        key = secret_from_env(self.config.api_key_env, "YouTube Data API key")
        since = Since.read(cursor, self.config.lookback_hours)
        mentions: list[Mention] = []
        page_token, left = "", False
        for _ in range(self.config.max_pages):
            body = self._page(key, page_token, self.config.max_results)
            page = [m for m in map(self._mention, body.get("items", [])) if m]
            mentions += [m for m in page if since.is_new_mention(m)]
            page_token = str(body.get("nextPageToken") or "")
            # Newest first: a page that reaches back to the cursor is the last one needed.
            if not page_token or since.reached_by(page):
                break
        else:
            left = True
        warning = pages_left(left, self.config.max_pages, "comments")
        return FetchResult(mentions, since.advance_past(mentions), warning)

    def verify(self) -> str:
        """One thread of the channel: the key, the channel id and the quota, for one unit."""
        key = secret_from_env(self.config.api_key_env, "YouTube Data API key")
        found = len(self._page(key, "", 1).get("items", []))
        return "the key reads the channel's comments" + ("" if found else " (none yet)")

    def _mention(self, thread: dict[str, Any]) -> Mention | None:
        top = ((thread.get("snippet") or {}).get("topLevelComment") or {}) if isinstance(thread, dict) else {}
        comment = top.get("snippet") or {}
        if not top.get("id") or not comment.get("publishedAt") or not comment.get("videoId"):
            return None
        return Mention(
            source_kind=self.kind,
            source_name=self.name,
            external_id=top["id"],
            url=f"https://www.youtube.com/watch?v={comment['videoId']}&lc={top['id']}",
            text=comment.get("textOriginal") or comment.get("textDisplay") or "",
            author=comment.get("authorDisplayName") or "",
            published_at=iso_time(comment["publishedAt"]),
            reach=comment.get("likeCount"),
        )
