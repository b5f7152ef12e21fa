"""Google Play reviews of the team's own app (Google Play Developer API: reviews.list), replies through reviews.reply.

What the API does, and this source with it:
- the list reaches back about a week, newest first, pages with `token` /
  `tokenPagination.nextPageToken`, and has no "since" filter: new reviews are
  known by their ids (kept in the cursor), the first poll by `lookback_hours`;
- ids can contain a colon ("gp:AOqpTO…"): they are escaped in the reply's path;
- a comment's text can be "title⇥body";
- the star rating travels with the review (1–2 stars is a complaint, whatever the
  words), as do the app version and the device, which are added to the text as a
  last line, so the card shows them and the draft does not ask for them again;
- a reply holds at most 350 characters: a longer one is refused before sending.
Credentials: a service account's JSON key file (the variable `credentials_file_env`
names its path), given "Reply to reviews" in Play Console (Users and permissions).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any, ClassVar
from urllib.parse import quote

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
)
from sources.cursor import pages_left
from sources.google_api import ServiceAccount, access_token, quota_error

API = "https://androidpublisher.googleapis.com"
SCOPE = "https://www.googleapis.com/auth/androidpublisher"
REPLY_LIMIT = 350
SEEN_LIMIT = 2000
# androidOsVersion is the API level; people know the release.
ANDROID_RELEASES = {26: "8", 27: "8.1", 28: "9", 29: "10", 30: "11", 31: "12", 32: "12L", 33: "13", 34: "14", 35: "15", 36: "16"}


class GooglePlayConfig(SourceConfig):
    package_name: str = Field(pattern=r"^[A-Za-z][\w]*(\.[A-Za-z][\w]*)+$")
    credentials_file_env: str = "GOOGLE_PLAY_CREDENTIALS_FILE"
    max_results: int = Field(default=100, ge=1, le=100)
    max_pages: int = Field(default=5, ge=1, le=20)


def _seconds(stamp: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(str((stamp or {}).get("seconds"))), tz=UTC)
    except (TypeError, ValueError, AttributeError):
        return None


def device_line(comment: dict[str, Any]) -> str:
    """"App 4.2.1 on Samsung Galaxy A5(2017), Android 14", from what the review carries ("" when it carries nothing)."""
    metadata = comment.get("deviceMetadata") or {}
    product = str(metadata.get("productName") or comment.get("device") or "")
    # productName reads "a5y17lte (Galaxy A5(2017))": the name people know is in the brackets.
    model = product.split("(", 1)[1][:-1] if product.endswith(")") and "(" in product else product
    maker = str(metadata.get("manufacturer") or "")
    device = model if not maker or model.lower().startswith(maker.lower()) else f"{maker} {model}"
    level = comment.get("androidOsVersion")
    android = f"Android {ANDROID_RELEASES.get(level, f'API {level}')}" if isinstance(level, int) else ""
    version = comment.get("appVersionName")
    where = f"App {version}" + (f" on {device}" if device else "") if version else device
    return ", ".join(p for p in (where, android) if p)


class GooglePlaySource(HttpSource):
    kind: ClassVar[str] = "googleplay"
    Config: ClassVar[type[SourceConfig]] = GooglePlayConfig

    @property
    def _reviews(self) -> str:
        return (self.config.base_url or API).rstrip("/") + f"/androidpublisher/v3/applications/{self.config.package_name}/reviews"

    @cached_property
    def _account(self) -> ServiceAccount:
        """The key file, read and its RSA key parsed once per source (a poll), not once per page."""
        return ServiceAccount.from_key_file(self.config.credentials_file_env)

    def _review_page(self, review_id: str) -> str:
        return f"https://play.google.com/store/apps/details?id={self.config.package_name}&reviewId={quote(review_id, safe='')}"

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {access_token(self.http, self.config, self._account, SCOPE)}"}

    def _call(self, method: str, url: str, **kwargs: Any) -> Any:
        try:
            fetched = bounded.request(self.http, method, url, self.config, headers=self._headers(), accept=("json",), **kwargs)
        except SourceHttpError as exc:
            raise quota_error(exc, "Google Play", datetime.now(UTC)) or self._explained(exc) from None
        try:
            return json.loads(fetched.content)
        except ValueError:
            raise SourceError("Google Play sent an unexpected body: not JSON") from None

    def _explained(self, exc: SourceHttpError) -> SourceHttpError:
        why = f" ({exc.detail})" if exc.detail else ""
        if exc.status == 404:
            message = f"Google Play has no app {self.config.package_name} for this account (check package_name){why}"
        elif exc.status in (401, 403):
            message = f"Google Play refused the service account{why}: give it 'Reply to reviews' in Play Console"
        else:
            return exc
        return SourceHttpError(message, status=exc.status, detail=exc.detail)

    def _page(self, token: str, max_results: int) -> dict[str, Any]:
        params: dict[str, str | int] = {"maxResults": max_results, **({"token": token} if token else {})}
        body = self._call("GET", self._reviews, params=params)
        if not isinstance(body, dict) or not isinstance(body.get("reviews", []), list):
            raise SourceError("Google Play sent an unexpected body: no reviews")
        return body

    def fetch(self, cursor: Cursor | None) -> FetchResult:
        seen = None if cursor is None else set(cursor.get("seen", []))
        reviews: list[dict[str, Any]] = []
        token, left = "", False
        for _ in range(self.config.max_pages):
            body = self._page(token, self.config.max_results)
            page = [r for r in body.get("reviews", []) if isinstance(r, dict) and r.get("reviewId")]
            reviews += page
            token = str((body.get("tokenPagination") or {}).get("nextPageToken") or "")
            # Newest first: a page holding a review seen before is the last one needed.
            if not token or seen is not None and any(r["reviewId"] in seen for r in page):
                break
        else:
            left = True
        ids = list(dict.fromkeys(str(r["reviewId"]) for r in reviews))
        oldest = datetime.now(UTC) - timedelta(hours=self.config.lookback_hours)
        mentions = [
            m for m in map(self._mention, reviews)
            if m and (m.external_id not in seen if seen is not None else m.published_at is not None and m.published_at >= oldest)
        ]
        warning = pages_left(left, self.config.max_pages, "reviews")
        return FetchResult(list({m.external_id: m for m in mentions}.values()), {"seen": list(dict.fromkeys(ids + list(seen or [])))[:SEEN_LIMIT]}, warning)

    def _mention(self, review: dict[str, Any]) -> Mention | None:
        user = next((c["userComment"] for c in review.get("comments") or [] if isinstance(c, dict) and isinstance(c.get("userComment"), dict)), None)
        if user is None:
            return None
        text = str(user.get("text") or "")
        title, body = text.split("\t", 1) if "\t" in text else ("", text)
        stars, details = user.get("starRating"), device_line(user)
        review_id = str(review["reviewId"])
        return Mention(
            source_kind=self.kind,
            source_name=self.name,
            external_id=review_id,
            url=self._review_page(review_id),
            title=title.strip(),
            text=body.strip() + (f"\n\n{details}" if details else ""),
            author=str(review.get("authorName") or ""),
            published_at=_seconds(user.get("lastModified")),
            rating=stars if isinstance(stars, int) and 1 <= stars <= 5 else None,
            reach=user.get("thumbsUpCount") or None,
            extra={"app_version": user.get("appVersionName"), "device": user.get("device"), "language": user.get("reviewerLanguage")},
            reply_to={"review_id": review_id},
            about_the_brand=True,
        )

    def verify(self) -> str:
        """One review: the key file, the token, the package name and the permission, in one call."""
        found = len(self._page("", 1).get("reviews", []))
        return f"the service account reads {self.config.package_name}'s reviews" + ("" if found else " (none in the last week)")

    @classmethod
    def can_publish(cls, config: SourceConfig) -> bool:
        return isinstance(config, GooglePlayConfig)

    def publish_reply(self, target: dict[str, Any], text: str, *, idempotency_key: str | None = None) -> Published:
        review_id = str((target or {}).get("review_id", ""))
        if not review_id:
            raise PublishError(PublishProblem.REFUSED, "this mention carries no Google Play review id to reply to")
        if not text.strip():
            raise PublishError(PublishProblem.REFUSED, "the reply is empty")
        if len(text) > REPLY_LIMIT:
            raise PublishError(PublishProblem.REFUSED, f"Google Play replies hold {REPLY_LIMIT} characters; this reply has {len(text)}: shorten it")
        try:
            # The colon of "gp:…" is escaped: ":reply" is the method, the id is one path segment.
            self._call("POST", f"{self._reviews}/{quote(review_id, safe='')}:reply", json_body={"replyText": text})
        except SourceError as exc:
            raise publish_failure(exc, "Google Play") from None
        # A review has one developer reply, shown under it on the app's page; a second reply would replace it.
        return Published(url=self._review_page(review_id), external_id=f"{review_id}/reply")
