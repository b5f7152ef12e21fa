"""The one interface every source shares.

A source fetches what is new since a cursor and returns normalised mentions
plus the next cursor. It knows nothing of Slack or the database: the caller
stores the cursor (any JSON-serialisable dict) and hands it back next time.

Sources whose network has a reply API can also publish a reply to a mention
they fetched: `can_publish(config)` says whether this config can, and
`publish_reply(mention.reply_to, text)` does it once or raises PublishError.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Protocol

import httpx
from pydantic import BaseModel, ConfigDict, Field

Cursor = dict[str, Any]


@dataclass(frozen=True)
class Mention:
    """One item found by a source, normalised."""

    source_kind: str
    source_name: str
    external_id: str
    url: str
    text: str
    title: str = ""
    author: str = ""
    published_at: datetime | None = None
    # Audience of the author or the post (followers, points, karma...), if the source knows it.
    reach: int | None = None
    # Star rating 1-5 for review sources; classification treats 1-2 stars as negative.
    rating: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # What publishing a reply to this mention needs (JSON-able), for sources that can publish:
    # Mastodon {"status_id"}; Bluesky {"parent": {"uri", "cid"}, "root": {"uri", "cid"}}; Reddit {"thing_id"}.
    reply_to: dict[str, Any] | None = None
    # The URL is a page many items share (an app's reviews page): the item is identified by its ID alone.
    url_is_shared: bool = False
    # Everything this source finds is about the brand (reviews of its own app or business page): no brand term is needed.
    about_the_brand: bool = False


@dataclass(frozen=True)
class FetchResult:
    mentions: list[Mention]
    cursor: Cursor
    # Something a person should know although the fetch worked (e.g. more new items than max_pages holds).
    warning: str = ""


class SourceError(Exception):
    """The source could not be read this time; the message says why, for humans."""


class SourceDisabled(SourceError):
    """The source cannot run as configured (e.g. missing API credentials); not a failure to retry."""


class SourceHttpError(SourceError):
    """The service answered an error status; `detail` is its own short reason, if it gave one."""

    def __init__(self, message: str, *, status: int, detail: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.detail = detail


class SourceRateLimited(SourceError):
    """The service asks us to wait: `retry_after` seconds if it said how long; `detail` is its own reason."""

    def __init__(self, message: str, retry_after: float | None = None, *, status: int = 429, detail: str = "") -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.status = status
        self.detail = detail


@dataclass(frozen=True)
class Published:
    """A reply now public: its address as the network shows it, and the network's id for it."""

    url: str
    external_id: str


class PublishProblem(StrEnum):
    GONE = "gone"  # the post was deleted, cannot be found or can no longer be replied to
    AUTH = "auth"  # credentials missing, refused (401/403) or lacking the scope to post
    RATE_LIMITED = "rate_limited"  # 429: try again after `retry_after` seconds
    REFUSED = "refused"  # not sent: the text or target cannot be published as it is (too long, empty)
    OTHER = "other"


class PublishError(Exception):
    """The reply was not published; `problem` says which way, str() says why in one line."""

    def __init__(self, problem: PublishProblem, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.problem = problem
        self.retry_after = retry_after


def publish_failure(exc: SourceError, network: str) -> PublishError:
    """The PublishError for a call to `network` that failed, told apart the way a person needs it."""
    if isinstance(exc, SourceRateLimited):
        wait = f"; try again in {exc.retry_after:.0f}s" if exc.retry_after else "; try again later"
        return PublishError(PublishProblem.RATE_LIMITED, f"{network} is rate limiting this account{wait}", exc.retry_after)
    if isinstance(exc, SourceDisabled):
        return PublishError(PublishProblem.AUTH, f"{network}: {exc}")
    if isinstance(exc, SourceHttpError) and exc.status in (401, 403):
        why = f" ({exc.detail})" if exc.detail else ""
        return PublishError(PublishProblem.AUTH, f"{network} refused the account's credentials: HTTP {exc.status}{why}")
    if isinstance(exc, SourceHttpError) and exc.status in (404, 410):
        return PublishError(PublishProblem.GONE, f"the post is gone: {network} cannot find it (deleted or hidden)")
    if isinstance(exc, SourceHttpError) and 400 <= exc.status < 500:
        # Any other 4xx (422: too long, 400: malformed) is a definite no: the server made nothing.
        why = f" ({exc.detail})" if exc.detail else ""
        return PublishError(PublishProblem.REFUSED, f"{network} refused the reply: HTTP {exc.status}{why}")
    # A 5xx, a timeout or a dropped connection: the reply may or may not have been made.
    return PublishError(PublishProblem.OTHER, f"{network} did not confirm the reply: {exc}")


class SourceConfig(BaseModel):
    """Keys every `[[sources]]` table accepts; each kind adds its own."""

    model_config = ConfigDict(extra="forbid")

    kind: str
    name: str
    enabled: bool = True
    base_url: str | None = None
    # First run looks back this far instead of posting the whole history.
    lookback_hours: float = 24.0
    timeout_seconds: float = 20.0
    max_bytes: int = 5_000_000
    # Private, loopback and link-local addresses are refused unless this is set (internal sources, tests).
    allow_private_network: bool = False
    # The score from which this source's mentions are complaints; default [classifier] threshold. A source whose
    # complaints are rare (a forum, a hashtag) gets more false alarms at the same threshold: the precision warning
    # says what a higher one would have done with the team's own decisions.
    threshold: float | None = Field(default=None, ge=0.0, le=1.0)

    def take_brand_terms(self, terms: list[str]) -> None:
        """Called once with the [brand] terms: a kind whose query defaults to them fills it in."""


class HttpSource(ABC):
    """What every source here shares: its config and the HTTP client it fetches with."""

    kind: ClassVar[str]
    Config: ClassVar[type[SourceConfig]]

    def __init__(self, config: Any, http: httpx.Client) -> None:
        self.config = config
        self.http = http

    @property
    def name(self) -> str:
        return self.config.name

    @abstractmethod
    def fetch(self, cursor: Cursor | None) -> FetchResult:
        """Mentions newer than `cursor` (None on the first run) and the next cursor."""

    def verify(self) -> str:
        """`check`: are the credentials and ids right? Raises SourceError; says what it saw. Sources with a cheaper call override it."""
        found = len(self.fetch(None).mentions)
        return f"{found} recent item{'' if found == 1 else 's'}"

    @classmethod
    def can_publish(cls, config: SourceConfig) -> bool:
        """Whether replies can be published with this config (a reply API and credentials to post)."""
        return False

    def publish_reply(self, target: dict[str, Any], text: str, *, idempotency_key: str | None = None) -> Published:
        raise PublishError(PublishProblem.REFUSED, f"{self.kind} sources cannot publish replies; reply on the site and record the link")


class Source(Protocol):
    kind: ClassVar[str]
    config: SourceConfig

    @property
    def name(self) -> str: ...

    def fetch(self, cursor: Cursor | None) -> FetchResult:
        """Return mentions newer than `cursor` (None on the first run) and the next cursor."""
        ...

    def verify(self) -> str:
        """One cheap call that proves the credentials and ids work; raises SourceError saying why not."""
        ...

    @classmethod
    def can_publish(cls, config: SourceConfig) -> bool: ...

    def publish_reply(self, target: dict[str, Any], text: str, *, idempotency_key: str | None = None) -> Published:
        """Publish `text` as a reply to the mention `target` (its `reply_to`). Raises PublishError."""
        ...


class SourceType(Protocol):
    """A source class, as sources.SOURCE_TYPES holds it: its kind, its config model, how to build one."""

    @property
    def kind(self) -> str: ...

    @property
    def Config(self) -> type[SourceConfig]: ...  # noqa: N802 (the nested class every source declares)

    def __call__(self, config: Any, http: httpx.Client) -> Source: ...

    def can_publish(self, config: SourceConfig) -> bool: ...


def secret_from_env(variable: str | None, what: str) -> str:
    """A credential named by the config (never written in it); SourceDisabled if it is not set."""
    value = os.environ.get(variable or "", "")
    if not value:
        raise SourceDisabled(f"disabled: set the environment variable {variable} to the {what}")
    return value
