"""YouTube comments on a channel's videos, for users with a Data API key; disabled without one."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, ClassVar

from pydantic import Field

from sources import http as bounded
from sources.base import Cursor, FetchResult, HttpSource, Mention, SourceConfig, SourceError, secret_from_env
from sources.cursor import Since


class YouTubeConfig(SourceConfig):
    channel_id: str = Field(pattern=r"^UC[\w-]{20,}$")
    api_key_env: str = "YOUTUBE_API_KEY"
    max_results: int = Field(default=100, ge=1, le=100)


class YouTubeSource(HttpSource):
    kind: ClassVar[str] = "youtube"
    Config: ClassVar[type[SourceConfig]] = YouTubeConfig

    def fetch(self, cursor: Cursor | None) -> FetchResult:
        key = secret_from_env(self.config.api_key_env, "YouTube Data API key")
        since = Since.read(cursor, self.config.lookback_hours)
        url = (self.config.base_url or "https://www.googleapis.com").rstrip("/") + "/youtube/v3/commentThreads"
        params: dict[str, str | int] = {
            "part": "snippet",
            "allThreadsRelatedToChannelId": self.config.channel_id,
            "order": "time",
            "maxResults": self.config.max_results,
            "textFormat": "plainText",
            "key": key,
        }
        fetched = bounded.get(self.http, url, self.config, params=params, accept=("json",))
        try:
            threads = json.loads(fetched.content).get("items", [])
        except (ValueError, AttributeError) as exc:
            raise SourceError(f"YouTube sent an unexpected body: {type(exc).__name__}") from None
        mentions = [m for m in map(self._mention, threads) if m and since.is_new(m.external_id, m.published_timestamp)]
        return FetchResult(mentions, since.advance((m.external_id, m.published_timestamp) for m in mentions))

    def _mention(self, thread: dict[str, Any]) -> Mention | None:
        top = ((thread.get("snippet") or {}).get("topLevelComment") or {})
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
            published_at=datetime.fromisoformat(comment["publishedAt"].replace("Z", "+00:00")),
            reach=comment.get("likeCount"),
        )
