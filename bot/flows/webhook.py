"""POST /webhooks/mentions: mentions pushed by Zapier, Brand24 or your own scrapers.

The sender signs each request like Slack does: header
`X-Complaint-Bot-Timestamp: <unix seconds>` and
`X-Complaint-Bot-Signature: v1=<hex HMAC-SHA256 of "v1:<timestamp>:<raw body>" with the shared secret>`.
Requests older than five minutes are refused, so a captured one cannot be replayed later.
Delivery is idempotent on `id` (or on the URL when there is no id).
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.flows.ingest import PUSHED, Outcome, count_outcomes, ingest
from bot.runtime import Runtime
from sources import Mention

MAX_CLOCK_SKEW_SECONDS = 300


class WebhookRejected(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), b"v1:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return f"v1={digest}"


def verify(*, secret: str, timestamp: str | None, given: str | None, body: bytes, now: datetime) -> None:
    if not timestamp or not given:
        raise WebhookRejected(401, "missing X-Complaint-Bot-Timestamp or X-Complaint-Bot-Signature")
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        raise WebhookRejected(401, "X-Complaint-Bot-Timestamp must be unix seconds")
    if abs(now.timestamp() - int(timestamp)) > MAX_CLOCK_SKEW_SECONDS:
        raise WebhookRejected(401, "request timestamp is outside the five-minute window")
    if not hmac.compare_digest(signature(secret, timestamp, body), given):
        raise WebhookRejected(401, "signature does not match")


class InboundMention(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    url: str = Field(min_length=1, max_length=2000)
    text: str = Field(max_length=40_000)
    author: str = Field(default="", max_length=500)
    source: str = Field(default="webhook", min_length=1, max_length=100)
    title: str = Field(default="", max_length=1000)
    published_at: AwareDatetime | None = None
    id: str | None = Field(default=None, max_length=500)
    rating: int | None = Field(default=None, ge=1, le=5)
    reach: int | None = Field(default=None, ge=0)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.lower().startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value


def accept(rt: Runtime, *, body: bytes, now: datetime) -> dict[str, Any]:
    """Store the mention; returns the JSON answer. Raises WebhookRejected for a bad body."""
    try:
        inbound = InboundMention.model_validate_json(body)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"]) or "body"
        raise WebhookRejected(422, f"{where}: {error['msg']}") from None
    mention = Mention(
        source_kind="webhook",
        source_name=inbound.source,
        external_id=f"{inbound.source}:{inbound.id or inbound.url}",
        url=inbound.url,
        text=inbound.text,
        title=inbound.title,
        author=inbound.author,
        published_at=inbound.published_at,
        reach=inbound.reach,
        rating=inbound.rating,
    )
    with rt.transaction() as session:
        (outcome,) = ingest(rt, session=session, batch=[mention], intake=PUSHED, now=now)
    count_outcomes(mention.source_name, 1, Counter([outcome.kind]))
    return {"ok": True, "result": outcome.kind.value, "case_id": outcome.case_id, "duplicate": outcome.kind == Outcome.DUPLICATE}
