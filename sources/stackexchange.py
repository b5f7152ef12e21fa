"""Stack Exchange (Stack Overflow and its sister sites): questions and answers that mention the brand. Read only.

`/search/excerpts` finds questions and answers alike but names no author, so a
second call, `/posts/{ids}`, brings the owners and the links. What the API
documents, and this source does:

- every answer is gzip-compressed (httpx inflates it; the size limit counts what was inflated);
- a `backoff` field can come in a *successful* answer and binds the next call to
  that method for so many seconds: it is kept in the cursor, across polls, and
  the source stays quiet until it has passed;
- a day holds 300 calls per IP without a key, 10,000 with one: polls are paced to
  `min_interval_seconds` (a poll costs one call per query and one for the authors);
- titles and names arrive HTML-escaped ("Acme&#39;s SDK"), bodies as HTML.
"""

from __future__ import annotations

import html
import re
import time
from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import Field

from sources import http as bounded
from sources.base import (
    Cursor,
    FetchResult,
    HttpSource,
    Mention,
    SourceConfig,
    SourceDisabled,
    SourceHttpError,
    SourceRateLimited,
    secret_from_env,
)
from sources.cursor import Since
from sources.text import html_to_text

API = "https://api.stackexchange.com/2.3"
# The documented quota: a page holds at most 100 items, and /posts takes at most 100 ids.
PAGE_SIZE = 100
THROTTLE_ERRORS = ("throttle_violation", "too_many_requests")
_SECONDS = re.compile(r"(\d+) seconds")


class StackExchangeConfig(SourceConfig):
    site: str = Field(default="stackoverflow", pattern=r"^[a-z0-9.-]+$")
    # One search per query (the API has no OR); default: the [brand] terms.
    query: str | list[str] | None = None
    key_env: str | None = None
    max_pages: int = Field(default=2, ge=1, le=10)
    min_interval_seconds: int = Field(default=900, ge=0)

    def take_brand_terms(self, terms: list[str]) -> None:
        if self.query is None:
            self.query = list(terms)

    @property
    def queries(self) -> list[str]:
        query = self.query or []
        return [q for q in ([query] if isinstance(query, str) else query) if q.strip()]


def _site_host(site: str) -> str:
    """stackoverflow -> stackoverflow.com; unix -> unix.stackexchange.com; a full host stays as it is."""
    if "." in site:
        return site
    own = {"stackoverflow", "superuser", "serverfault", "askubuntu", "stackapps", "mathoverflow"}
    return f"{site}.com" if site in own else f"{site}.stackexchange.com"


class StackExchangeSource(HttpSource):
    kind: ClassVar[str] = "stackexchange"
    Config: ClassVar[type[SourceConfig]] = StackExchangeConfig

    def _call(self, path: str, params: dict[str, str | int]) -> dict[str, Any]:
        """One API call; the answer's wrapper (items, has_more, backoff, quota_remaining)."""
        params = {**params, "site": self.config.site}
        if self.config.key_env:
            params["key"] = secret_from_env(self.config.key_env, "Stack Exchange app key")
        url = (self.config.base_url or API).rstrip("/") + path
        try:
            fetched = bounded.get(self.http, url, self.config, params=params, accept=("json",))
        except SourceHttpError as exc:
            raise self._throttled(exc) or exc from None
        return bounded.json_listing(fetched, "Stack Exchange")

    @staticmethod
    def _throttled(exc: SourceHttpError) -> SourceRateLimited | None:
        """Stack Exchange throttles with HTTP 400 and error_name throttle_violation ("...available in 82961 seconds")."""
        if not exc.detail.startswith(THROTTLE_ERRORS):
            return None
        said = _SECONDS.search(exc.detail)
        wait = float(said.group(1)) if said else None
        return SourceRateLimited(f"Stack Exchange is throttling this IP ({exc.detail})", retry_after=wait, status=exc.status, detail=exc.detail)

    def fetch(self, cursor: Cursor | None) -> FetchResult:
        cursor = dict(cursor or {})
        now = time.time()
        not_before = float(cursor.get("not_before", 0))
        if now < not_before:
            # Asked to back off (or pacing the daily quota): nothing is fetched, the cursor stays.
            return FetchResult([], cursor)
        if not self.config.queries:
            raise SourceDisabled("disabled: set query (it defaults to the [brand] terms)")
        since = Since.read(cursor if "since" in cursor else None, self.config.lookback_hours)
        excerpts: list[dict[str, Any]] = []
        backoff, left = 0.0, False
        for query in self.config.queries:
            for page in range(1, self.config.max_pages + 1):
                params: dict[str, str | int] = {
                    "q": query, "sort": "creation", "order": "desc", "fromdate": int(since.at), "pagesize": PAGE_SIZE, "page": page,
                }
                wrapper = self._call("/search/excerpts", params)
                backoff = max(backoff, float(wrapper.get("backoff") or 0))
                excerpts += [e for e in wrapper["items"] if isinstance(e, dict)]
                if not wrapper.get("has_more") or backoff:
                    break
            else:
                left = True
        mentions, authors_backoff = self._with_authors(excerpts, since)
        wait = max(backoff, authors_backoff, float(self.config.min_interval_seconds))
        advanced = since.advance_past(mentions)
        warning = f"more than {self.config.max_pages} pages of new posts for a query: the oldest were not fetched" if left else ""
        return FetchResult(mentions, {**advanced, "not_before": now + wait}, warning)

    def _with_authors(self, excerpts: list[dict[str, Any]], since: Since) -> tuple[list[Mention], float]:
        """The new excerpts as mentions, each with its author and link from /posts/{ids}; that call's backoff."""
        new: dict[str, dict[str, Any]] = {}
        for excerpt in excerpts:
            post_id = str(excerpt.get("answer_id") if excerpt.get("item_type") == "answer" else excerpt.get("question_id") or "")
            created = excerpt.get("creation_date")
            if post_id.isdigit() and isinstance(created, int) and since.is_new(post_id, float(created)):
                new[post_id] = excerpt
        if not new:
            return [], 0.0
        ids, backoff = list(new), 0.0
        posts: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), PAGE_SIZE):
            wrapper = self._call(f"/posts/{';'.join(ids[start : start + PAGE_SIZE])}", {"pagesize": PAGE_SIZE})
            posts.update({str(p.get("post_id")): p for p in wrapper["items"] if isinstance(p, dict)})
            backoff = max(backoff, float(wrapper.get("backoff") or 0))
        return [self._mention(post_id, excerpt, posts.get(post_id, {})) for post_id, excerpt in new.items()], backoff

    def _mention(self, post_id: str, excerpt: dict[str, Any], post: dict[str, Any]) -> Mention:
        owner = post.get("owner") or {}
        title = html.unescape(str(excerpt.get("title") or ""))
        is_answer = excerpt.get("item_type") == "answer"
        host = _site_host(self.config.site)
        return Mention(
            source_kind=self.kind,
            source_name=self.name,
            external_id=post_id,
            url=post.get("link") or f"https://{host}/{'a' if is_answer else 'q'}/{post_id}",
            title=f"Answer to: {title}" if is_answer else title,
            text=html_to_text(excerpt.get("body") or excerpt.get("excerpt")),
            author=html.unescape(str(owner.get("display_name") or "")),
            published_at=datetime.fromtimestamp(int(excerpt["creation_date"]), tz=UTC),
            reach=owner.get("reputation"),
            extra={"site": host, "score": excerpt.get("score"), "tags": excerpt.get("tags"), "question_id": excerpt.get("question_id")},
        )

    def verify(self) -> str:
        """/info: the site's name and the key (if any) in one call."""
        wrapper = self._call("/info", {})
        quota = wrapper.get("quota_remaining")
        return f"{_site_host(self.config.site)} answers" + (f"; {quota} calls left today" if quota is not None else "")
