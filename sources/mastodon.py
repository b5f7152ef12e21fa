"""Mastodon: a public hashtag timeline, or full-text search with an access token.

With a token that may write statuses, it also publishes replies
(POST /api/v1/statuses with in_reply_to_id) from the same account.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import quote

from pydantic import Field, model_validator

from sources import http as bounded
from sources.base import (
    Cursor,
    FetchResult,
    HttpSource,
    Mention,
    Published,
    PublishError,
    PublishProblem,
    SourceConfig,
    SourceError,
    publish_failure,
    secret_from_env,
)
from sources.text import html_to_text


class MastodonConfig(SourceConfig):
    instance: str = Field(pattern=r"^https?://")
    hashtag: str | None = None
    query: str | None = None
    # Search (and instances that hide public timelines) need a token with read:search / read:statuses;
    # publishing replies needs write:statuses. The token's account must be on this instance.
    access_token_env: str | None = None
    limit: int = Field(default=40, ge=1, le=40)
    max_pages: int = Field(default=5, ge=1, le=20)

    @model_validator(mode="after")
    def _one_of_hashtag_or_query(self) -> MastodonConfig:
        if bool(self.hashtag) == bool(self.query):
            raise ValueError("set exactly one of hashtag or query")
        if self.query and not self.access_token_env:
            raise ValueError("full-text search needs access_token_env (a token with read:search)")
        return self


class MastodonSource(HttpSource):
    kind: ClassVar[str] = "mastodon"
    Config: ClassVar[type[SourceConfig]] = MastodonConfig

    @property
    def _api(self) -> str:
        return (self.config.base_url or self.config.instance).rstrip("/") + "/api"

    def _headers(self) -> dict[str, str]:
        if not self.config.access_token_env:
            return {}
        return {"Authorization": f"Bearer {secret_from_env(self.config.access_token_env, 'Mastodon access token')}"}

    def fetch(self, cursor: Cursor | None) -> FetchResult:
        headers = self._headers()
        if self.config.hashtag:
            url = f"{self._api}/v1/timelines/tag/{quote(self.config.hashtag.lstrip('#'), safe='')}"
            base_params: dict[str, str | int] = {"limit": self.config.limit}
        else:
            url = f"{self._api}/v2/search"
            base_params = {"q": self.config.query or "", "type": "statuses", "limit": self.config.limit}
        since_id = (cursor or {}).get("since_id")
        statuses: list[dict[str, Any]] = []
        for _ in range(self.config.max_pages if since_id else 1):
            # min_id pages forward from the cursor without gaps (since_id would jump to the newest page).
            params = {**base_params, **({"min_id": since_id} if since_id else {})}
            page = self._page(url, params, headers)
            statuses += page
            if not since_id or len(page) < self.config.limit:
                break
            since_id = max((s["id"] for s in page), key=int)
        mentions = [m for m in map(self._mention, statuses) if m]
        if not cursor:  # first run: only the look-back window, not the whole timeline
            oldest = datetime.now(UTC) - timedelta(hours=self.config.lookback_hours)
            mentions = [m for m in mentions if m.published_at and m.published_at >= oldest]
        newest = max((s["id"] for s in statuses if s.get("id")), key=int, default=(cursor or {}).get("since_id"))
        return FetchResult(mentions, {"since_id": newest} if newest else dict(cursor or {}))

    def _page(self, url: str, params: dict[str, str | int], headers: dict[str, str]) -> list[dict[str, Any]]:
        fetched = bounded.get(self.http, url, self.config, params=params, headers=headers, accept=("json",))
        try:
            body = json.loads(fetched.content)
            page = body if isinstance(body, list) else body["statuses"]
        except (ValueError, KeyError, TypeError) as exc:
            raise SourceError(f"Mastodon sent an unexpected body: {type(exc).__name__}") from None
        return [s for s in page if isinstance(s, dict) and str(s.get("id", "")).isdigit()]

    def _mention(self, status: dict[str, Any]) -> Mention | None:
        account = status.get("account") or {}
        created = status.get("created_at")
        if not created:
            return None
        warning = status.get("spoiler_text") or ""
        text = html_to_text(status.get("content"))
        return Mention(
            source_kind=self.kind,
            source_name=self.name,
            external_id=str(status["id"]),
            url=status.get("url") or status.get("uri") or "",
            title=warning,
            text=text,
            author=account.get("acct") or "",
            published_at=datetime.fromisoformat(created.replace("Z", "+00:00")),
            reach=account.get("followers_count"),
            extra={"favourites": status.get("favourites_count"), "reblogs": status.get("reblogs_count"), "language": status.get("language")},
            reply_to={"status_id": str(status["id"])},
        )

    @classmethod
    def can_publish(cls, config: SourceConfig) -> bool:
        return isinstance(config, MastodonConfig) and bool(config.access_token_env)

    def publish_reply(self, target: dict[str, Any], text: str, *, idempotency_key: str | None = None) -> Published:
        status_id = str((target or {}).get("status_id", ""))
        if not status_id.isdigit():
            raise PublishError(PublishProblem.REFUSED, "this mention carries no Mastodon status id to reply to")
        if not text.strip():
            raise PublishError(PublishProblem.REFUSED, "the reply is empty")
        if not self.can_publish(self.config):
            raise PublishError(PublishProblem.AUTH, f"Mastodon source {self.name} has no access_token_env: it cannot post")
        try:
            headers = self._headers()
            if idempotency_key:
                # Mastodon answers a repeated key with the status it already made instead of posting twice.
                headers["Idempotency-Key"] = idempotency_key
            fetched = bounded.request(
                self.http,
                "POST",
                f"{self._api}/v1/statuses",
                self.config,
                headers=headers,
                json_body={"status": text, "in_reply_to_id": status_id},
                accept=("json",),
            )
        except SourceError as exc:
            raise publish_failure(exc, "Mastodon") from None
        try:
            status = json.loads(fetched.content)
            return Published(url=status.get("url") or status["uri"], external_id=str(status["id"]))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise PublishError(PublishProblem.OTHER, f"Mastodon answered the reply with an unexpected body: {type(exc).__name__}") from None
