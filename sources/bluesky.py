"""Bluesky post search (app.bsky.feed.searchPosts), signed in with an app password.

Bluesky's public AppView no longer answers unauthenticated searches, so the
source logs in (com.atproto.server.createSession), reuses the session, and
refreshes it when it expires.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx
from pydantic import Field

from sources import http as bounded
from sources.base import Cursor, FetchResult, HttpSource, Mention, SourceConfig, SourceDisabled, SourceError, secret_from_env
from sources.cursor import Since


class BlueskyConfig(SourceConfig):
    query: str = Field(min_length=1)
    handle: str | None = None
    app_password_env: str = "BLUESKY_APP_PASSWORD"
    # The account's PDS; it proxies searchPosts to the AppView for signed-in users.
    service: str = Field(default="https://bsky.social", pattern=r"^https?://")
    limit: int = Field(default=100, ge=1, le=100)


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


class BlueskySource(HttpSource):
    kind: ClassVar[str] = "bluesky"
    Config: ClassVar[type[SourceConfig]] = BlueskyConfig

    def __init__(self, config: BlueskyConfig, http: httpx.Client) -> None:
        super().__init__(config, http)
        self._session: dict[str, str] | None = None

    def _xrpc(self, method: str) -> str:
        return f"{(self.config.base_url or self.config.service).rstrip('/')}/xrpc/{method}"

    def _login(self, refresh: bool) -> None:
        if not self.config.handle:
            raise SourceDisabled("disabled: Bluesky search needs a signed-in account; set handle and app_password_env")
        if refresh and self._session:
            call = ("com.atproto.server.refreshSession", {"headers": {"Authorization": f"Bearer {self._session['refreshJwt']}"}})
        else:
            password = secret_from_env(self.config.app_password_env, "Bluesky app password")
            call = ("com.atproto.server.createSession", {"json": {"identifier": self.config.handle, "password": password}})
        try:
            response = self.http.post(self._xrpc(call[0]), timeout=self.config.timeout_seconds, **call[1])  # type: ignore[arg-type]
        except httpx.HTTPError as exc:
            raise SourceError(f"Bluesky login failed: {type(exc).__name__}") from None
        if response.status_code != 200:
            self._session = None
            if refresh:
                return self._login(refresh=False)
            raise SourceError(f"Bluesky login failed: HTTP {response.status_code} (check handle and app password)")
        self._session = response.json()

    def _search(self, params: dict[str, str | int]) -> bounded.Fetched:
        if self._session is None:
            self._login(refresh=False)
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {self._session['accessJwt']}"} if self._session else {}
            try:
                return bounded.get(self.http, self._xrpc("app.bsky.feed.searchPosts"), self.config, params=params, headers=headers, accept=("json",))
            except SourceError as exc:
                if attempt == 2 or "answered HTTP 400" not in str(exc) and "answered HTTP 401" not in str(exc):
                    raise
                self._login(refresh=True)  # the access token expired
        raise AssertionError("unreachable")

    def fetch(self, cursor: Cursor | None) -> FetchResult:
        since = Since.read(cursor, self.config.lookback_hours)
        params: dict[str, str | int] = {
            "q": self.config.query,
            "sort": "latest",
            "limit": self.config.limit,
            "since": datetime.fromtimestamp(since.at, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        }
        fetched = self._search(params)
        try:
            posts = json.loads(fetched.content)["posts"]
        except (ValueError, KeyError, TypeError) as exc:
            raise SourceError(f"Bluesky sent an unexpected body: {type(exc).__name__}") from None
        mentions = [m for m in map(self._mention, posts) if m and since.is_new(m.external_id, m.published_at.timestamp())]
        return FetchResult(mentions, since.advance((m.external_id, m.published_at.timestamp()) for m in mentions))

    def _mention(self, post: dict[str, Any]) -> Mention | None:
        record, author = post.get("record") or {}, post.get("author") or {}
        uri, handle, created = post.get("uri", ""), author.get("handle"), record.get("createdAt") or post.get("indexedAt")
        if not uri.startswith("at://") or not handle or not created:
            return None
        return Mention(
            source_kind=self.kind,
            source_name=self.name,
            external_id=uri,
            url=f"https://bsky.app/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}",
            text=record.get("text") or "",
            author=handle,
            published_at=datetime.fromtimestamp(_epoch(created), tz=UTC),
            reach=(post.get("likeCount") or 0) + (post.get("repostCount") or 0),
            extra={"replies": post.get("replyCount"), "quotes": post.get("quoteCount"), "display_name": author.get("displayName")},
        )
