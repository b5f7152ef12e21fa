"""X (Twitter) recent search, for users with an API bearer token; disabled without one."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from pydantic import Field

from sources import http as bounded
from sources.base import Cursor, FetchResult, HttpSource, Mention, SourceConfig, SourceError, secret_from_env


class XConfig(SourceConfig):
    query: str = Field(min_length=1)
    bearer_token_env: str = "X_BEARER_TOKEN"
    max_results: int = Field(default=100, ge=10, le=100)


class XSource(HttpSource):
    kind: ClassVar[str] = "x"
    Config: ClassVar[type[SourceConfig]] = XConfig

    def fetch(self, cursor: Cursor | None) -> FetchResult:
        token = secret_from_env(self.config.bearer_token_env, "X API bearer token")
        params: dict[str, str | int] = {
            "query": self.config.query,
            "max_results": self.config.max_results,
            "tweet.fields": "created_at,public_metrics,author_id,lang",
            "expansions": "author_id",
            "user.fields": "username,public_metrics",
        }
        if cursor and cursor.get("since_id"):
            params["since_id"] = cursor["since_id"]
        else:
            start = datetime.now(UTC) - timedelta(hours=min(self.config.lookback_hours, 24 * 7 - 1))
            params["start_time"] = start.strftime("%Y-%m-%dT%H:%M:%SZ")
        url = (self.config.base_url or "https://api.x.com").rstrip("/") + "/2/tweets/search/recent"
        fetched = bounded.get(self.http, url, self.config, params=params, headers={"Authorization": f"Bearer {token}"}, accept=("json",))
        try:
            body = json.loads(fetched.content)
            posts = body.get("data", [])
            users = {u["id"]: u for u in body.get("includes", {}).get("users", [])}
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise SourceError(f"X sent an unexpected body: {type(exc).__name__}") from None
        mentions = [m for m in (self._mention(p, users) for p in posts) if m]
        newest = body.get("meta", {}).get("newest_id") or (cursor or {}).get("since_id")
        return FetchResult(mentions, {"since_id": newest} if newest else {})

    def _mention(self, post: dict[str, Any], users: dict[str, dict[str, Any]]) -> Mention | None:
        user = users.get(post.get("author_id", ""), {})
        username = user.get("username")
        if not post.get("id") or not username:
            return None
        return Mention(
            source_kind=self.kind,
            source_name=self.name,
            external_id=post["id"],
            url=f"https://x.com/{username}/status/{post['id']}",
            text=post.get("text", ""),
            author=username,
            published_at=datetime.fromisoformat(post["created_at"].replace("Z", "+00:00")) if post.get("created_at") else None,
            reach=(user.get("public_metrics") or {}).get("followers_count"),
        )
