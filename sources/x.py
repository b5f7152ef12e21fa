"""X (Twitter) recent search, for users with an API bearer token; disabled without one.

Recent search reaches back seven days and refuses a `since_id` older than
that, so after a long outage the cursor gives way to `start_time` at the edge
of the window instead of failing every poll. Results come newest first, up to
`max_pages` pages through `next_token`; more than that is said, not hidden.
A 429 carries `x-rate-limit-reset` (epoch seconds), which the bounded client reads.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from pydantic import Field

from sources import http as bounded
from sources.base import Cursor, FetchResult, HttpSource, Mention, SourceConfig, SourceError, SourceHttpError, secret_from_env
from sources.cursor import pages_left

# X's search window, and how far inside its edge a fresh start stays (clocks differ, the request takes time).
WINDOW = timedelta(days=7)
EDGE_MARGIN = timedelta(minutes=5)
# X ids are snowflakes: milliseconds since this epoch, shifted left 22 bits.
SNOWFLAKE_EPOCH_MS = 1288834974657


def snowflake_time(post_id: str) -> datetime | None:
    """When X made the post with this id (None for an id that is not a number)."""
    if not post_id.isdigit():
        return None
    return datetime.fromtimestamp(((int(post_id) >> 22) + SNOWFLAKE_EPOCH_MS) / 1000, tz=UTC)


def _rfc3339(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class XConfig(SourceConfig):
    query: str = Field(min_length=1)
    bearer_token_env: str = "X_BEARER_TOKEN"
    max_results: int = Field(default=100, ge=10, le=100)
    max_pages: int = Field(default=5, ge=1, le=50)


class XSource(HttpSource):
    kind: ClassVar[str] = "x"
    Config: ClassVar[type[SourceConfig]] = XConfig

    def fetch(self, cursor: Cursor | None) -> FetchResult:
        token = secret_from_env(self.config.bearer_token_env, "X API bearer token")
        since_id = str((cursor or {}).get("since_id") or "")
        now = datetime.now(UTC)
        edge = now - WINDOW + EDGE_MARGIN
        window: dict[str, str | int]
        if since_id and (made := snowflake_time(since_id)) is not None and made > edge:
            window = {"since_id": since_id}
        elif since_id:
            # The cursor fell out of X's window during an outage: everything X still has is newer than it.
            window = {"start_time": _rfc3339(edge)}
        else:
            window = {"start_time": _rfc3339(max(now - timedelta(hours=self.config.lookback_hours), edge))}
        try:
            posts, users, newest, more = self._pages(token, window)
        except SourceHttpError as exc:
            if exc.status != 400 or "since_id" not in window or "since_id" not in exc.detail:
                raise
            # X judged the cursor too old although its id said otherwise: start at the window's edge once.
            posts, users, newest, more = self._pages(token, {"start_time": _rfc3339(edge)})
        mentions = [m for m in (self._mention(p, users) for p in posts) if m]
        warning = pages_left(more, self.config.max_pages, "posts") + (" (raise max_pages or poll more often)" if more else "")
        newest = newest or since_id
        return FetchResult(mentions, {"since_id": newest} if newest else {}, warning)

    def _pages(self, token: str, window: dict[str, str | int]) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]], str, bool]:
        """Posts and their authors, newest first, through next_token up to max_pages; whether pages were left."""
        url = (self.config.base_url or "https://api.x.com").rstrip("/") + "/2/tweets/search/recent"
        params: dict[str, str | int] = {
            "query": self.config.query,
            "max_results": self.config.max_results,
            "tweet.fields": "created_at,public_metrics,author_id,lang",
            "expansions": "author_id",
            "user.fields": "username,public_metrics",
            **window,
        }
        posts: list[dict[str, Any]] = []
        users: dict[str, dict[str, Any]] = {}
        newest, next_token = "", ""
        for _ in range(self.config.max_pages):
            page = {**params, **({"next_token": next_token} if next_token else {})}
            fetched = bounded.get(self.http, url, self.config, params=page, headers={"Authorization": f"Bearer {token}"}, accept=("json",))
            try:
                body = json.loads(fetched.content)
                posts += [p for p in body.get("data", []) if isinstance(p, dict)]
                users.update({u["id"]: u for u in body.get("includes", {}).get("users", [])})
                meta = body.get("meta", {})
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise SourceError(f"X sent an unexpected body: {type(exc).__name__}") from None
            newest = newest or str(meta.get("newest_id") or "")
            next_token = str(meta.get("next_token") or "")
            if not next_token:
                return posts, users, newest, False
        return posts, users, newest, True

    def verify(self) -> str:
        """One search page of the last hour: the token, the query's syntax and the plan's access, in one call."""
        token = secret_from_env(self.config.bearer_token_env, "X API bearer token")
        start = _rfc3339(datetime.now(UTC) - timedelta(hours=1))
        url = (self.config.base_url or "https://api.x.com").rstrip("/") + "/2/tweets/search/recent"
        params: dict[str, str | int] = {"query": self.config.query, "max_results": 10, "start_time": start}
        bounded.get(self.http, url, self.config, params=params, headers={"Authorization": f"Bearer {token}"}, accept=("json",))
        return "the token can search"

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
