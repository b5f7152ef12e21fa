"""Mention sources: one module per kind, all behind `sources.base.Source`; some can also publish replies.

Its place in the layers (what it may import, and why): docs/architecture.md.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import Any

import httpx

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

# kind -> the class that reads it, in the module named after the kind (sources/KIND.py). A module is imported the first
# time its kind is asked for, so a start-up imports only the kinds its config names (Google Play's alone brings in
# google-auth and its cryptography).
_CLASSES = {
    "rss": "RssSource",
    "hackernews": "HackerNewsSource",
    "reddit": "RedditSource",
    "mastodon": "MastodonSource",
    "bluesky": "BlueskySource",
    "appstore": "AppStoreSource",
    "x": "XSource",
    "youtube": "YouTubeSource",
    "stackexchange": "StackExchangeSource",
    "discourse": "DiscourseSource",
    "github": "GitHubSource",
    "trustpilot": "TrustpilotSource",
    "googleplay": "GooglePlaySource",
}


class _SourceTypes(Mapping[str, SourceType]):
    """kind -> class with `kind`, `Config` and `__init__(self, config, http: httpx.Client)`, imported on first use."""

    def __getitem__(self, kind: str) -> SourceType:
        name = _CLASSES[kind]
        source_type: SourceType = getattr(importlib.import_module(f"sources.{kind}"), name)
        return source_type

    def __iter__(self) -> Iterator[str]:
        return iter(_CLASSES)

    def __len__(self) -> int:
        return len(_CLASSES)


SOURCE_TYPES: Mapping[str, SourceType] = _SourceTypes()


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
