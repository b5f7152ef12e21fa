"""Any RSS or Atom feed: Google Alerts, blogs, review sites."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import feedparser
from pydantic import field_validator

from sources import http as bounded
from sources.base import Cursor, FetchResult, HttpSource, Mention, SourceConfig, SourceError
from sources.rss_plain import plain_rss_entries
from sources.text import html_to_text

SEEN_LIMIT = 1000
FEED_TYPES = ("xml", "rss", "atom", "text/plain")


class RssConfig(SourceConfig):
    url: str

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if urlsplit(value).scheme not in ("http", "https"):
            raise ValueError("must be an http(s) URL")
        return value


def unwrap_google_link(link: str) -> str:
    """Google Alerts links go through google.com/url?...&url=<the article>."""
    if "google.com" not in link.lower():  # most links: no need to take them apart
        return link
    parts = urlsplit(link)
    if parts.hostname and parts.hostname.endswith("google.com") and parts.path == "/url":
        target = parse_qs(parts.query).get("url") or parse_qs(parts.query).get("q")
        if target and target[0].startswith(("http://", "https://")):
            return target[0]
    return link


def _published(entry: Any) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC) if parsed else None


def _content(entry: Any) -> str:
    if entry.get("content"):
        return html_to_text(entry["content"][0].get("value"))
    return html_to_text(entry.get("summary"))


class RssSource(HttpSource):
    kind: ClassVar[str] = "rss"
    Config: ClassVar[type[SourceConfig]] = RssConfig

    def fetch(self, cursor: Cursor | None) -> FetchResult:
        cursor = cursor or {}
        headers = {}
        if cursor.get("etag"):
            headers["If-None-Match"] = cursor["etag"]
        if cursor.get("modified"):
            headers["If-Modified-Since"] = cursor["modified"]
        fetched = bounded.get(self.http, self.config.url, self.config, headers=headers, accept=FEED_TYPES)
        if fetched.not_modified:
            return FetchResult([], cursor)
        entries = plain_rss_entries(fetched.content)
        if entries is None:
            feed = feedparser.parse(fetched.content, sanitize_html=False, resolve_relative_uris=False)
            if feed.bozo and not any(entry.get("link") for entry in feed.entries):
                raise SourceError(f"{bounded.redact(self.config.url)} is not a readable feed: {feed.bozo_exception}")
            entries = feed.entries
        seen = cursor.get("seen")
        first_run = seen is None
        seen_ids = set(seen or [])
        oldest = datetime.now(UTC) - timedelta(hours=self.config.lookback_hours)
        mentions = []
        for entry in entries:
            mention = self._mention(entry)
            if mention is None or mention.external_id in seen_ids:
                continue
            if first_run and mention.published_at is not None and mention.published_at < oldest:
                continue
            mentions.append(mention)
        # Every id in the feed now counts as seen, also those the first-run look-back skipped.
        feed_ids = [self._id(entry) for entry in entries]
        next_cursor = {
            "etag": fetched.headers.get("ETag"),
            "modified": fetched.headers.get("Last-Modified"),
            "seen": list(dict.fromkeys(feed_ids + list(seen or [])))[:SEEN_LIMIT],
        }
        return FetchResult(mentions, next_cursor)

    @staticmethod
    def _id(entry: Any) -> str:
        return str(entry.get("id") or entry.get("link") or entry.get("title") or "")

    def _mention(self, entry: Any) -> Mention | None:
        external_id = self._id(entry)
        link = entry.get("link")
        if not external_id or not link:
            return None
        return Mention(
            source_kind=self.kind,
            source_name=self.name,
            external_id=external_id,
            url=unwrap_google_link(link),
            title=html_to_text(entry.get("title")),
            text=_content(entry),
            author=html_to_text(entry.get("author")),
            published_at=_published(entry),
        )
