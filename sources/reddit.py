"""Reddit search: posts matching a query, newest first.

Reddit asks every client for a descriptive User-Agent. With app credentials
(client id + secret) it uses OAuth and oauth.reddit.com, with higher limits;
without them, the public search.json.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx
from pydantic import Field, field_validator

from sources import http as bounded
from sources.base import Cursor, FetchResult, HttpSource, Mention, SourceConfig, SourceError, secret_from_env
from sources.cursor import Since
from sources.text import html_to_text


class RedditConfig(SourceConfig):
    query: str = Field(min_length=1)
    subreddit: str | None = None
    # Reddit's rule: "<platform>:<app id>:<version> (by /u/<username>)".
    user_agent: str
    client_id: str | None = None
    client_secret_env: str = "REDDIT_CLIENT_SECRET"
    limit: int = Field(default=100, ge=1, le=100)

    @field_validator("user_agent")
    @classmethod
    def _descriptive(cls, value: str) -> str:
        if "(by /u/" not in value:
            raise ValueError('Reddit requires a descriptive User-Agent like "web:acme-complaints:1.0 (by /u/acme_support)"')
        return value


class RedditSource(HttpSource):
    kind: ClassVar[str] = "reddit"
    Config: ClassVar[type[SourceConfig]] = RedditConfig

    def __init__(self, config: RedditConfig, http: httpx.Client) -> None:
        super().__init__(config, http)
        self._token: tuple[str, float] | None = None

    def _endpoint_and_headers(self) -> tuple[str, dict[str, str]]:
        headers = {"User-Agent": self.config.user_agent}
        path = f"/r/{self.config.subreddit}/search" if self.config.subreddit else "/search"
        if not self.config.client_id:
            return (self.config.base_url or "https://www.reddit.com").rstrip("/") + path + ".json", headers
        headers["Authorization"] = f"Bearer {self._access_token()}"
        return (self.config.base_url or "https://oauth.reddit.com").rstrip("/") + path, headers

    def _access_token(self) -> str:
        if self._token and self._token[1] > time.time() + 60:
            return self._token[0]
        secret = secret_from_env(self.config.client_secret_env, "Reddit app's client secret")
        token_url = (self.config.base_url or "https://www.reddit.com").rstrip("/") + "/api/v1/access_token"
        try:
            response = self.http.post(
                token_url,
                data={"grant_type": "client_credentials"},
                auth=(self.config.client_id or "", secret),
                headers={"User-Agent": self.config.user_agent},
                timeout=self.config.timeout_seconds,
            )
        except httpx.HTTPError as exc:
            raise SourceError(f"Reddit login failed: {type(exc).__name__}") from None
        if response.status_code != 200:
            raise SourceError(f"Reddit login failed: HTTP {response.status_code} (check client_id and the secret)")
        body = response.json()
        self._token = (body["access_token"], time.time() + float(body.get("expires_in", 3600)))
        return self._token[0]

    def fetch(self, cursor: Cursor | None) -> FetchResult:
        since = Since.read(cursor, self.config.lookback_hours)
        url, headers = self._endpoint_and_headers()
        params: dict[str, str | int] = {"q": self.config.query, "sort": "new", "limit": self.config.limit, "raw_json": 1, "type": "link"}
        if self.config.subreddit:
            params["restrict_sr"] = 1
        fetched = bounded.get(self.http, url, self.config, params=params, headers=headers, accept=("json",))
        try:
            children = json.loads(fetched.content)["data"]["children"]
        except (ValueError, KeyError, TypeError) as exc:
            raise SourceError(f"Reddit sent an unexpected body: {type(exc).__name__}") from None
        mentions = [m for m in (self._mention(c.get("data") or {}) for c in children) if m and since.is_new(m.external_id, m.published_at.timestamp())]
        return FetchResult(mentions, since.advance((m.external_id, m.published_at.timestamp()) for m in mentions))

    def _mention(self, post: dict[str, Any]) -> Mention | None:
        if not post.get("name") or not post.get("created_utc") or not post.get("permalink"):
            return None
        return Mention(
            source_kind=self.kind,
            source_name=self.name,
            external_id=post["name"],
            url="https://www.reddit.com" + post["permalink"],
            title=post.get("title") or "",
            text=post.get("selftext") or html_to_text(post.get("selftext_html")),
            author=post.get("author") or "",
            published_at=datetime.fromtimestamp(float(post["created_utc"]), tz=UTC),
            reach=post.get("score"),
            extra={"subreddit": post.get("subreddit"), "num_comments": post.get("num_comments"), "link": post.get("url")},
        )
