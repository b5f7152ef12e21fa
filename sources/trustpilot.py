"""Trustpilot: the reviews of one business unit (the public Business Units API, with an API key), stars carried.

A review's `links[]` point at the API; the card links the public page,
https://www.trustpilot.com/reviews/{id}. With a business user's access token the
source also answers a review with the company reply
(POST /v1/private/reviews/{id}/reply), which shows under the review on that page.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from pydantic import Field

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
    publish_failure,
    secret_from_env,
)
from sources.cursor import Since, pages_left
from sources.text import iso_time

API = "https://api.trustpilot.com"
REVIEW_PAGE = "https://www.trustpilot.com/reviews/{}"


class TrustpilotConfig(SourceConfig):
    business_unit_id: str = Field(pattern=r"^[0-9a-f]{24}$")
    api_key_env: str = "TRUSTPILOT_API_KEY"
    # Replies: a business user's OAuth access token, and that user's id (the reply's author).
    reply_token_env: str | None = None
    business_user_id: str | None = None
    per_page: int = Field(default=100, ge=1, le=100)
    max_pages: int = Field(default=3, ge=1, le=10)


class TrustpilotSource(HttpSource):
    kind: ClassVar[str] = "trustpilot"
    Config: ClassVar[type[SourceConfig]] = TrustpilotConfig

    @property
    def _api(self) -> str:
        return (self.config.base_url or API).rstrip("/")

    def _get(self, path: str, params: dict[str, str | int] | None = None) -> Any:
        key = secret_from_env(self.config.api_key_env, "Trustpilot API key")
        try:
            fetched = bounded.get(self.http, self._api + path, self.config, params=params, headers={"apikey": key}, accept=("json",))
        except SourceHttpError as exc:
            raise self._explained(exc) from None
        try:
            return json.loads(fetched.content)
        except ValueError:
            raise SourceError("Trustpilot sent an unexpected body: not JSON") from None

    def _explained(self, exc: SourceHttpError) -> SourceHttpError:
        why = f" ({exc.detail})" if exc.detail else ""
        if exc.status in (401, 403):
            message = f"Trustpilot refused the API key in {self.config.api_key_env}{why}"
        elif exc.status == 404:
            message = f"Trustpilot has no business unit {self.config.business_unit_id} (check business_unit_id){why}"
        else:
            return exc
        return SourceHttpError(message, status=exc.status, detail=exc.detail)

    def fetch(self, cursor: Cursor | None) -> FetchResult:
        since = Since.read(cursor, self.config.lookback_hours)
        mentions: list[Mention] = []
        left = False
        for page in range(1, self.config.max_pages + 1):
            params: dict[str, str | int] = {"perPage": self.config.per_page, "page": page, "orderBy": "createdat.desc"}
            body = self._get(f"/v1/business-units/{self.config.business_unit_id}/reviews", params)
            if not isinstance(body, dict) or not isinstance(body.get("reviews"), list):
                raise SourceError("Trustpilot sent an unexpected body: no reviews")
            found = [m for m in map(self._mention, body["reviews"]) if m]
            # A review written while paging shifts the pages by one: the same review can come twice.
            known = {m.external_id for m in mentions}
            mentions += [m for m in found if m.external_id not in known and since.is_new_mention(m)]
            more = any(isinstance(link, dict) and link.get("rel") == "next-page" for link in body.get("links") or [])
            # Newest first: a page reaching back to the cursor is the last one needed.
            if not more or since.reached_by(found):
                break
        else:
            left = True
        warning = pages_left(left, self.config.max_pages, "reviews")
        return FetchResult(mentions, since.advance_past(mentions), warning)

    def _mention(self, review: Any) -> Mention | None:
        if not isinstance(review, dict) or not review.get("id") or iso_time(review.get("createdAt")) is None:
            return None
        stars = review.get("stars")
        consumer = review.get("consumer") or {}
        return Mention(
            source_kind=self.kind,
            source_name=self.name,
            external_id=str(review["id"]),
            url=REVIEW_PAGE.format(review["id"]),
            title=str(review.get("title") or ""),
            text=str(review.get("text") or ""),
            author=str(consumer.get("displayName") or ""),
            published_at=iso_time(review["createdAt"]),
            rating=stars if isinstance(stars, int) and 1 <= stars <= 5 else None,
            reach=review.get("numberOfLikes") or None,
            extra={"language": review.get("language"), "verified": review.get("isVerified"), "replied": bool(review.get("companyReply"))},
            reply_to={"review_id": str(review["id"])},
            about_the_brand=True,
        )

    def verify(self) -> str:
        """The business unit itself: the key and the id in one call."""
        unit = self._get(f"/v1/business-units/{self.config.business_unit_id}")
        name = (unit.get("displayName") or (unit.get("name") or {}).get("identifying")) if isinstance(unit, dict) else None
        reply = "; replies can be published" if self.can_publish(self.config) else ""
        return f"the API key reads {name or self.config.business_unit_id}{reply}"

    @classmethod
    def can_publish(cls, config: SourceConfig) -> bool:
        return isinstance(config, TrustpilotConfig) and bool(config.reply_token_env and config.business_user_id)

    def publish_reply(self, target: dict[str, Any], text: str, *, idempotency_key: str | None = None) -> Published:
        review_id = str((target or {}).get("review_id", ""))
        if not review_id.isalnum():
            raise PublishError(PublishProblem.REFUSED, "this mention carries no Trustpilot review id to reply to")
        if not text.strip():
            raise PublishError(PublishProblem.REFUSED, "the reply is empty")
        if not self.can_publish(self.config):
            raise PublishError(PublishProblem.AUTH, f"Trustpilot source {self.name} needs reply_token_env and business_user_id to reply")
        try:
            token = secret_from_env(self.config.reply_token_env, "Trustpilot business user's access token")
            bounded.request(
                self.http,
                "POST",
                f"{self._api}/v1/private/reviews/{review_id}/reply",
                self.config,
                headers={"Authorization": f"Bearer {token}"},
                json_body={"authorBusinessUserId": self.config.business_user_id, "message": text},
            )
        except SourceError as exc:
            raise publish_failure(exc, "Trustpilot") from None
        # 201 Created, no body: the reply shows under the review on its public page.
        return Published(url=REVIEW_PAGE.format(review_id), external_id=f"{review_id}/reply")
