"""Mention sources: one module per kind, all behind `sources.base.Source`."""

from __future__ import annotations

import httpx

from sources.appstore import AppStoreSource
from sources.base import Cursor, FetchResult, Mention, Source, SourceConfig, SourceDisabled, SourceError, SourceRateLimited
from sources.bluesky import BlueskySource
from sources.hackernews import HackerNewsSource
from sources.mastodon import MastodonSource
from sources.reddit import RedditSource
from sources.rss import RssSource
from sources.x import XSource
from sources.youtube import YouTubeSource

# kind -> class with `kind`, `Config` and `__init__(self, config, http: httpx.Client)`.
SOURCE_TYPES: dict[str, type] = {
    cls.kind: cls
    for cls in (RssSource, HackerNewsSource, RedditSource, MastodonSource, BlueskySource, AppStoreSource, XSource, YouTubeSource)
}


def config_model(kind: str) -> type[SourceConfig]:
    try:
        return SOURCE_TYPES[kind].Config
    except KeyError:
        known = ", ".join(sorted(SOURCE_TYPES))
        raise ValueError(f"unknown source kind {kind!r} (known: {known})") from None


def build_source(config: SourceConfig, http: httpx.Client) -> Source:
    return SOURCE_TYPES[config.kind](config, http)


__all__ = [
    "Cursor",
    "FetchResult",
    "Mention",
    "Source",
    "SourceConfig",
    "SourceDisabled",
    "SourceError",
    "SourceRateLimited",
    "SOURCE_TYPES",
    "build_source",
    "config_model",
]
