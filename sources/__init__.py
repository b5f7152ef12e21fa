"""Mention sources: one module per kind, all behind `sources.base.Source`; some can also publish replies.

Its place in the layers (what it may import, and why): docs/architecture.md.
"""

from __future__ import annotations

from typing import Any

import httpx

from sources.appstore import AppStoreSource
from sources.base import (
    Cursor,
    FetchResult,
    HttpSource,
    Mention,
    Published,
    PublishError,
    PublishProblem,
    Source,
    SourceConfig,
    SourceDisabled,
    SourceError,
    SourceRateLimited,
    SourceType,
)
from sources.bluesky import BlueskySource
from sources.discourse import DiscourseSource
from sources.github import GitHubSource
from sources.googleplay import GooglePlaySource
from sources.hackernews import HackerNewsSource
from sources.mastodon import MastodonSource
from sources.reddit import RedditSource
from sources.rss import RssSource
from sources.stackexchange import StackExchangeSource
from sources.trustpilot import TrustpilotSource
from sources.x import XSource
from sources.youtube import YouTubeSource

# kind -> class with `kind`, `Config` and `__init__(self, config, http: httpx.Client)`.
SOURCE_TYPES: dict[str, SourceType] = {
    cls.kind: cls
    for cls in (
        RssSource, HackerNewsSource, RedditSource, MastodonSource, BlueskySource, AppStoreSource, XSource, YouTubeSource, StackExchangeSource,
        DiscourseSource, GitHubSource, TrustpilotSource, GooglePlaySource,
    )
}


def config_model(kind: str) -> type[SourceConfig]:
    try:
        return SOURCE_TYPES[kind].Config
    except KeyError:
        known = ", ".join(sorted(SOURCE_TYPES))
        raise ValueError(f"unknown source kind {kind!r} (known: {known})") from None


def build_source(config: SourceConfig, http: httpx.Client) -> Source:
    return SOURCE_TYPES[config.kind](config, http)


def can_publish(config: SourceConfig) -> bool:
    """Whether a reply to this source's mentions can be published through its API with this config."""
    return SOURCE_TYPES[config.kind].can_publish(config)


def publish_reply(
    config: SourceConfig, http: httpx.Client, target: dict[str, Any] | None, text: str, *, idempotency_key: str | None = None
) -> Published:
    """Publish `text` in reply to a mention (`target` is its `reply_to`) with the source's credentials. Raises PublishError."""
    if target is None:
        raise PublishError(PublishProblem.REFUSED, "this mention was stored without what a reply needs; reply on the site")
    return build_source(config, http).publish_reply(target, text, idempotency_key=idempotency_key)


__all__ = [
    "Cursor",
    "FetchResult",
    "Mention",
    "PublishError",
    "PublishProblem",
    "Published",
    "Source",
    "SourceConfig",
    "SourceDisabled",
    "SourceError",
    "SourceRateLimited",
    "SOURCE_TYPES",
    "build_source",
    "can_publish",
    "config_model",
    "publish_reply",
]
