"""GitHub issues and discussions that mention the brand, in chosen repositories or org-wide.

Issues come from REST search (search/issues); discussions only from GraphQL
(search type DISCUSSION), which needs a token: without one, only issues are read.

GitHub asks every client for a User-Agent. Search allows 30 calls a minute
with a token (10 without), and GitHub adds secondary limits: a 403 or 429 with
`Retry-After`, or `x-ratelimit-remaining: 0` and `x-ratelimit-reset`, or with no
header at all, when the documented rule is to wait at least a minute. With a
token that may write issues, a reply is a comment, POSTed to the issue's
`comments_url` (on the configured API host: the stored URL only gives the path);
on a discussion, through GraphQL's addDiscussionComment (Discussions: write).
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from sources import github_discussions as discussions
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
    SourceHttpError,
    SourceRateLimited,
    publish_failure,
)
from sources.cursor import Since, pages_left
from sources.text import iso_time

API = "https://api.github.com"
# GitHub's rule for a secondary limit that names no wait: at least a minute.
UNSAID_WAIT_SECONDS = 60.0
_REPO = re.compile(r"^[\w.-]+/[\w.-]+$")
_COMMENTS_PATH = re.compile(r"^/repos/[\w.-]+/[\w.-]+/issues/\d+/comments$")


class GitHubConfig(SourceConfig):
    # GitHub search syntax: "acme in:title,body", "org:acme crash"; repos are added as repo: qualifiers.
    query: str = Field(min_length=1)
    repos: list[str] = Field(default_factory=list)
    # A token (fine-grained: Issues read, or read and write to publish replies); without it, search is anonymous.
    token_env: str | None = "GITHUB_TOKEN"
    user_agent: str = "complaint-bot"
    # Also search discussions (GraphQL; needs the token).
    discussions: bool = True
    per_page: int = Field(default=100, ge=1, le=100)
    max_pages: int = Field(default=3, ge=1, le=10)

    @field_validator("repos")
    @classmethod
    def _owner_and_name(cls, values: list[str]) -> list[str]:
        for value in values:
            if not _REPO.match(value):
                raise ValueError(f"{value!r} is not a repository like org/name")
        return values


class GitHubSource(HttpSource):
    kind: ClassVar[str] = "github"
    Config: ClassVar[type[SourceConfig]] = GitHubConfig

    @property
    def _api(self) -> str:
        return (self.config.base_url or API).rstrip("/")

    def _token(self) -> str:
        return os.environ.get(self.config.token_env or "", "")

    def _headers(self) -> dict[str, str]:
        headers = {"User-Agent": self.config.user_agent, "Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        if token := self._token():
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def _call(self, method: str, url: str, **kwargs: Any) -> bounded.Fetched:
        try:
            return bounded.request(self.http, method, url, self.config, headers=self._headers(), accept=("json",), **kwargs)
        except SourceRateLimited as exc:
            if exc.retry_after:
                raise
            raise SourceRateLimited(f"GitHub is rate limiting this client ({exc.detail or exc.status}); waiting a minute", UNSAID_WAIT_SECONDS, status=exc.status, detail=exc.detail) from None
        except SourceHttpError as exc:
            if exc.status == 403 and "rate limit" in exc.detail.lower():
                raise SourceRateLimited(f"GitHub's secondary rate limit ({exc.detail}); waiting a minute", UNSAID_WAIT_SECONDS, status=403, detail=exc.detail) from None
            if exc.status == 401:
                raise SourceHttpError(f"GitHub refused the token in {self.config.token_env}: {exc.detail or 'HTTP 401'}", status=401, detail=exc.detail) from None
            raise

    def _query(self, since: datetime, kind: str) -> str:
        scope = " ".join(f"repo:{repo}" for repo in self.config.repos)
        return " ".join(p for p in (self.config.query, kind, scope, f"created:>={since.strftime('%Y-%m-%dT%H:%M:%SZ')}") if p)

    @property
    def _graphql(self) -> str:
        # GitHub Enterprise serves REST at /api/v3 and GraphQL at /api/graphql.
        return self._api.removesuffix("/v3") + "/graphql"

    def _graph(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        fetched = self._call("POST", self._graphql, json_body={"query": query, "variables": variables})
        try:
            answer = json.loads(fetched.content)
        except ValueError:
            raise SourceError("GitHub GraphQL sent an unexpected body") from None
        return discussions.data(answer, UNSAID_WAIT_SECONDS)

    def _discussions(self, since: Since) -> tuple[list[Mention], bool]:
        """New discussions, newest first, through endCursor up to max_pages; whether pages were left."""
        found: list[Mention] = []
        after: str | None = None
        q = self._query(datetime.fromtimestamp(since.at, tz=UTC), "sort:created-desc")
        for _ in range(self.config.max_pages):
            search = self._graph(discussions.SEARCH, {"q": q, "first": self.config.per_page, "after": after}).get("search") or {}
            found += [m for m in (discussions.mention(n, self.kind, self.name) for n in search.get("nodes") or []) if m]
            page = search.get("pageInfo") or {}
            after = page.get("endCursor")
            if not page.get("hasNextPage") or not after:
                return found, False
        return found, True

    def _search(self, since: datetime, page: int, per_page: int) -> dict[str, Any]:
        kind = "" if re.search(r"\b(?:is|type):", self.config.query) else "is:issue"
        q = self._query(since, kind)
        params: dict[str, str | int] = {"q": q, "sort": "created", "order": "desc", "per_page": per_page, "page": page}
        return bounded.json_listing(self._call("GET", f"{self._api}/search/issues", params=params), "GitHub")

    def fetch(self, cursor: Cursor | None) -> FetchResult:
        since = Since.read(cursor, self.config.lookback_hours)
        mentions: list[Mention] = []
        left = False
        for page in range(1, self.config.max_pages + 1):
            items = self._search(datetime.fromtimestamp(since.at, tz=UTC), page, self.config.per_page)["items"]
            found = [m for m in map(self._mention, items) if m]
            mentions += [m for m in found if since.is_new_mention(m)]
            if len(items) < self.config.per_page:
                break
        else:
            left = True
        if self.config.discussions and self._token():
            found, more = self._discussions(since)
            mentions += [m for m in found if since.is_new_mention(m)]
            left = left or more
        warning = pages_left(left, self.config.max_pages, "issues or discussions")
        return FetchResult(mentions, since.advance_past(mentions), warning)

    def _mention(self, item: Any) -> Mention | None:
        if not isinstance(item, dict) or not item.get("html_url") or not item.get("created_at") or not item.get("id"):
            return None
        repo = "/".join(str(item.get("repository_url", "")).rstrip("/").split("/")[-2:])
        reactions = (item.get("reactions") or {}).get("total_count")
        return Mention(
            source_kind=self.kind,
            source_name=self.name,
            external_id=str(item["id"]),
            url=item["html_url"],
            title=f"{repo}#{item.get('number')}: {item.get('title') or ''}" if repo else item.get("title") or "",
            text=item.get("body") or "",
            author=(item.get("user") or {}).get("login") or "",
            published_at=iso_time(item["created_at"]),
            reach=reactions if reactions else item.get("comments"),
            extra={"repo": repo, "state": item.get("state"), "comments": item.get("comments"), "pull_request": "pull_request" in item},
            reply_to={"comments_url": item["comments_url"]} if item.get("comments_url") else None,
        )

    def verify(self) -> str:
        """One search result of the last day: the token, the query's syntax and every repository in one call."""
        total = self._search(datetime.now(UTC) - timedelta(days=1), 1, 1).get("total_count", 0)
        who = "with the token" if self._token() else "anonymously (no token: 10 searches a minute)"
        return f"searches {who}; {total} match(es) in the last day"

    @classmethod
    def can_publish(cls, config: SourceConfig) -> bool:
        return isinstance(config, GitHubConfig) and bool(config.token_env and os.environ.get(config.token_env))

    def publish_reply(self, target: dict[str, Any], text: str, *, idempotency_key: str | None = None) -> Published:
        if (target or {}).get("discussion_id"):
            return self._discussion_reply(str(target["discussion_id"]), text)
        path = urlsplit(str((target or {}).get("comments_url", ""))).path
        if not _COMMENTS_PATH.match(path):
            raise PublishError(PublishProblem.REFUSED, "this mention carries no GitHub issue comments address to reply to")
        if not text.strip():
            raise PublishError(PublishProblem.REFUSED, "the reply is empty")
        if not self._token():
            raise PublishError(PublishProblem.AUTH, f"GitHub source {self.name}: set {self.config.token_env} to a token that may write issues")
        try:
            fetched = self._call("POST", self._api + path, json_body={"body": text})
        except SourceError as exc:
            if isinstance(exc, SourceHttpError) and exc.status == 403 and "locked" in exc.detail.lower():
                raise PublishError(PublishProblem.GONE, "the issue is locked: GitHub takes no new comments on it") from None
            raise publish_failure(exc, "GitHub") from None
        try:
            comment = json.loads(fetched.content)
            return Published(url=comment["html_url"], external_id=str(comment["id"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise PublishError(PublishProblem.OTHER, f"GitHub answered the comment with an unexpected body: {type(exc).__name__}") from None

    def _discussion_reply(self, discussion_id: str, text: str) -> Published:
        if not text.strip():
            raise PublishError(PublishProblem.REFUSED, "the reply is empty")
        if not self._token():
            raise PublishError(PublishProblem.AUTH, f"GitHub source {self.name}: set {self.config.token_env} to a token that may write discussions")
        try:
            done = self._graph(discussions.ADD_COMMENT, {"discussion": discussion_id, "body": text})
        except discussions.GraphQLRefused as exc:
            # GraphQL's own refusal comes with HTTP 200: nothing was made.
            gone = exc.error_type == "NOT_FOUND"
            raise PublishError(PublishProblem.GONE if gone else PublishProblem.REFUSED, str(exc)) from None
        except SourceError as exc:
            raise publish_failure(exc, "GitHub") from None
        try:
            comment = done["addDiscussionComment"]["comment"]
            return Published(url=str(comment["url"]), external_id=str(comment["id"]))
        except (KeyError, TypeError) as exc:
            raise PublishError(PublishProblem.OTHER, f"GitHub answered the comment with an unexpected body: {type(exc).__name__}") from None
