"""The one interface every source shares.

A source fetches what is new since a cursor and returns normalised mentions
plus the next cursor. It knows nothing of Slack or the database: the caller
stores the cursor (any JSON-serialisable dict) and hands it back next time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Protocol

import httpx
from pydantic import BaseModel, ConfigDict

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


@dataclass(frozen=True)
class FetchResult:
    mentions: list[Mention]
    cursor: Cursor


class SourceError(Exception):
    """The source could not be read this time; the message says why, for humans."""


class SourceDisabled(SourceError):
    """The source cannot run as configured (e.g. missing API credentials); not a failure to retry."""


class SourceRateLimited(SourceError):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


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


class HttpSource:
    """What every source here shares: its config and the HTTP client it fetches with."""

    kind: ClassVar[str]
    Config: ClassVar[type[SourceConfig]]

    def __init__(self, config: Any, http: httpx.Client) -> None:
        self.config = config
        self.http = http

    @property
    def name(self) -> str:
        return self.config.name


class Source(Protocol):
    kind: ClassVar[str]
    config: SourceConfig

    @property
    def name(self) -> str: ...

    def fetch(self, cursor: Cursor | None) -> FetchResult:
        """Return mentions newer than `cursor` (None on the first run) and the next cursor."""
        ...


def secret_from_env(variable: str | None, what: str) -> str:
    """A credential named by the config (never written in it); SourceDisabled if it is not set."""
    value = os.environ.get(variable or "", "")
    if not value:
        raise SourceDisabled(f"disabled: set the environment variable {variable} to the {what}")
    return value
