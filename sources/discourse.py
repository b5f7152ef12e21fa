"""A Discourse forum: posts matching a query, newest first (search.json with `order:latest`), or a category's new topics.

search.json returns the posts and their topics in separate lists: the topic
gives the slug a post's address needs (`/t/{slug}/{topic_id}/{post_number}`).
A post carries only a `blurb` (an excerpt), which is the text here. A category
(`category = "support/7"`, the brand's own board: every topic is about it) is read
from its latest topics, newest first, each new topic's first post fetched for its
words (`/t/{id}.json`). With an
API key (and the username it acts as) the source also reads a private forum and
publishes replies as a post in the topic (POST /posts.json).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

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
from sources.cursor import Since, pages_left
from sources.text import html_to_text, iso_time


class DiscourseConfig(SourceConfig):
    forum_url: str = Field(pattern=r"^https?://")
    query: str | None = Field(default=None, min_length=1)
    # Instead of a query: a category's new topics, as "slug/id" from its address (/c/support/7).
    category: str | None = Field(default=None, pattern=r"^[\w-]+(/[\w-]+)*/\d+$")
    # An API key (Admin > API) scoped to read search and write posts, and the user it acts as.
    api_key_env: str | None = None
    api_username: str | None = None
    max_pages: int = Field(default=3, ge=1, le=10)

    @model_validator(mode="after")
    def _key_and_user_together(self) -> DiscourseConfig:
        if bool(self.query) == bool(self.category):
            raise ValueError("set exactly one of query (a search) or category (its new topics, as slug/id)")
        if bool(self.api_key_env) != bool(self.api_username):
            raise ValueError("set both api_key_env and api_username (the user the key acts as), or neither")
        return self


class DiscourseSource(HttpSource):
    kind: ClassVar[str] = "discourse"
    Config: ClassVar[type[SourceConfig]] = DiscourseConfig

    @property
    def _api(self) -> str:
        return (self.config.base_url or self.config.forum_url).rstrip("/")

    def _headers(self) -> dict[str, str]:
        if not self.config.api_key_env:
            return {"Accept": "application/json"}
        key = secret_from_env(self.config.api_key_env, "Discourse API key")
        return {"Accept": "application/json", "Api-Key": key, "Api-Username": self.config.api_username or ""}

    def fetch(self, cursor: Cursor | None) -> FetchResult:
        since = Since.read(cursor, self.config.lookback_hours)
        if self.config.category:
            return self._category(since)
        # after: takes a date; Since drops what is older than the exact instant.
        after = (datetime.fromtimestamp(since.at, tz=UTC) - timedelta(days=1)).strftime("%Y-%m-%d")
        headers = self._headers()
        mentions: list[Mention] = []
        left = False
        for page in range(1, self.config.max_pages + 1):
            params: dict[str, str | int] = {"q": f"{self.config.query} order:latest after:{after}", "page": page}
            fetched = bounded.get(self.http, f"{self._api}/search.json", self.config, params=params, headers=headers, accept=("json",))
            try:
                body = json.loads(fetched.content)
                posts = [p for p in body.get("posts") or [] if isinstance(p, dict)]
                topics = {t["id"]: t for t in body.get("topics") or [] if isinstance(t, dict) and "id" in t}
                more = bool((body.get("grouped_search_result") or {}).get("more_full_page_results"))
            except (ValueError, TypeError, AttributeError, KeyError) as exc:
                raise SourceError(f"Discourse sent an unexpected body: {type(exc).__name__}") from None
            found = [m for m in (self._mention(p, topics.get(p.get("topic_id"), {})) for p in posts) if m]
            mentions += [m for m in found if since.is_new_mention(m)]
            if not more or since.reached_by(found):
                break
        else:
            left = True
        warning = pages_left(left, self.config.max_pages, "posts")
        return FetchResult(mentions, since.advance_past(mentions), warning)

    def _category(self, since: Since) -> FetchResult:
        """The category's topics created since the cursor (newest first, up to max_pages), each with its first post."""
        headers = self._headers()
        topics: list[dict[str, Any]] = []
        left = False
        for page in range(self.config.max_pages):
            params: dict[str, str | int] = {"order": "created", "page": page}
            url = f"{self._api}/c/{self.config.category}/l/latest.json"
            fetched = bounded.get(self.http, url, self.config, params=params, headers=headers, accept=("json",))
            try:
                listing = json.loads(fetched.content)["topic_list"]
                found = [t for t in listing.get("topics") or [] if isinstance(t, dict) and isinstance(t.get("id"), int)]
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                raise SourceError(f"Discourse sent an unexpected topic list: {type(exc).__name__}") from None
            fresh = [t for t in found if (at := iso_time(t.get("created_at"))) is not None and since.is_new(str(t["id"]), at.timestamp())]
            topics += fresh
            if len(fresh) < len(found) or not listing.get("more_topics_url"):
                break
        else:
            left = True
        mentions = [m for m in map(self._first_post, topics) if m]
        warning = pages_left(left, self.config.max_pages, "topics")
        return FetchResult(mentions, since.advance_past(mentions), warning)

    def _first_post(self, topic: dict[str, Any]) -> Mention | None:
        fetched = bounded.get(self.http, f"{self._api}/t/{topic['id']}.json", self.config, headers=self._headers(), accept=("json",))
        try:
            post = json.loads(fetched.content)["post_stream"]["posts"][0]
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            raise SourceError(f"Discourse sent an unexpected topic: {type(exc).__name__}") from None
        found = self._mention({**post, "blurb": post.get("cooked"), "topic_id": topic["id"]}, topic)
        # The cursor counts topics: a topic is new once, by its own id and creation time.
        return replace(found, external_id=str(topic["id"]), about_the_brand=True) if found else None

    def _mention(self, post: dict[str, Any], topic: dict[str, Any]) -> Mention | None:
        post_id, topic_id, number, created = post.get("id"), post.get("topic_id"), post.get("post_number"), iso_time(post.get("created_at"))
        if not isinstance(post_id, int) or not isinstance(topic_id, int) or not isinstance(number, int) or created is None:
            return None
        slug = topic.get("slug") or "topic"
        title = topic.get("title") or html_to_text(topic.get("fancy_title") or post.get("topic_title_headline"))
        return Mention(
            source_kind=self.kind,
            source_name=self.name,
            external_id=str(post_id),
            url=f"{self.config.forum_url.rstrip('/')}/t/{slug}/{topic_id}/{number}",
            title=title if number == 1 else f"Reply in: {title}",
            text=html_to_text(post.get("blurb")),
            author=post.get("username") or "",
            published_at=created,
            reach=post.get("like_count"),
            extra={"display_name": post.get("name"), "category_id": topic.get("category_id"), "forum": self.config.forum_url},
            reply_to={"topic_id": topic_id, "post_number": number},
        )

    def verify(self) -> str:
        """With a key: who it acts as (/session/current.json); without: that a Discourse forum answers (/about.json)."""
        path = "/session/current.json" if self.config.api_key_env else "/about.json"
        fetched = bounded.get(self.http, self._api + path, self.config, headers=self._headers(), accept=("json",))
        try:
            body = json.loads(fetched.content)
            if self.config.api_key_env:
                return f"the API key acts as {body['current_user']['username']}"
            return f"the forum answers ({body['about'].get('title') or self.config.forum_url})"
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise SourceError(f"{self._api}{path} is not a Discourse answer ({type(exc).__name__}); check forum_url and the key") from None

    @classmethod
    def can_publish(cls, config: SourceConfig) -> bool:
        return isinstance(config, DiscourseConfig) and bool(config.api_key_env and config.api_username)

    def publish_reply(self, target: dict[str, Any], text: str, *, idempotency_key: str | None = None) -> Published:
        topic_id, number = (target or {}).get("topic_id"), (target or {}).get("post_number")
        if not isinstance(topic_id, int) or not isinstance(number, int):
            raise PublishError(PublishProblem.REFUSED, "this mention carries no Discourse topic and post number to reply to")
        if not text.strip():
            raise PublishError(PublishProblem.REFUSED, "the reply is empty")
        if not self.can_publish(self.config):
            raise PublishError(PublishProblem.AUTH, f"Discourse source {self.name} needs api_key_env and api_username to post")
        body: dict[str, Any] = {"topic_id": topic_id, "raw": text, "reply_to_post_number": number}
        try:
            fetched = bounded.request(self.http, "POST", f"{self._api}/posts.json", self.config, headers=self._headers(), json_body=body, accept=("json",))
        except SourceError as exc:
            raise publish_failure(exc, "Discourse") from None
        try:
            post = json.loads(fetched.content)
            url = f"{self.config.forum_url.rstrip('/')}/t/{post.get('topic_slug') or 'topic'}/{post['topic_id']}/{post['post_number']}"
            return Published(url=url, external_id=str(post["id"]))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise PublishError(PublishProblem.OTHER, f"Discourse answered the reply with an unexpected body: {type(exc).__name__}") from None
