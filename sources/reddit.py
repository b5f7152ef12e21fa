"""Reddit search: posts matching a query, newest first.

Reddit asks every client for a descriptive User-Agent. With app credentials
(client id + secret) it uses OAuth and oauth.reddit.com, with higher limits;
without them, the public search.json. With a "script" app's account as well
(username + password), it signs in as that account and can publish replies
(POST /api/comment).
"""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx
from pydantic import Field, field_validator

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
from sources.text import html_to_text


class RedditConfig(SourceConfig):
    query: str = Field(min_length=1)
    subreddit: str | None = None
    # Reddit's rule: "<platform>:<app id>:<version> (by /u/<username>)".
    user_agent: str
    client_id: str | None = None
    client_secret_env: str = "REDDIT_CLIENT_SECRET"
    # The account replies are published from (a "script" app's developer or an account added to it).
    username: str | None = None
    password_env: str = "REDDIT_PASSWORD"
    limit: int = Field(default=100, ge=1, le=100)
    max_pages: int = Field(default=3, ge=1, le=10)

    @field_validator("user_agent")
    @classmethod
    def _descriptive(cls, value: str) -> str:
        if "(by /u/" not in value:
            raise ValueError('Reddit requires a descriptive User-Agent like "web:acme-complaints:1.0 (by /u/acme_support)"')
        return value


# Reddit answers a comment it will not take with HTTP 200 and {"json": {"errors": [[code, message, field]]}}.
_GONE = {
    "DELETED_LINK": "the post was deleted",
    "DELETED_COMMENT": "the comment was deleted",
    "COMMENT_DELETED": "the comment was deleted",
    "NO_THING_ID": "Reddit cannot find the post",
    "TOO_OLD": "the thread is archived (too old to reply to)",
    "THREAD_LOCKED": "the thread is locked",
}
_WAIT = re.compile(r"(\d+)\s*(second|minute|hour)")


def _reddit_wait(message: str) -> float | None:
    match = _WAIT.search(message)
    if not match:
        return None
    return int(match.group(1)) * {"second": 1, "minute": 60, "hour": 3600}[match.group(2)]


class RedditSource(HttpSource):
    kind: ClassVar[str] = "reddit"
    Config: ClassVar[type[SourceConfig]] = RedditConfig

    def __init__(self, config: RedditConfig, http: httpx.Client) -> None:
        super().__init__(config, http)
        self._token: tuple[str, float] | None = None

    @property
    def _oauth_api(self) -> str:
        return (self.config.base_url or "https://oauth.reddit.com").rstrip("/")

    def _endpoint_and_headers(self) -> tuple[str, dict[str, str]]:
        headers = {"User-Agent": self.config.user_agent}
        path = f"/r/{self.config.subreddit}/search" if self.config.subreddit else "/search"
        if not self.config.client_id:
            return (self.config.base_url or "https://www.reddit.com").rstrip("/") + path + ".json", headers
        headers["Authorization"] = f"Bearer {self._access_token()}"
        return self._oauth_api + path, headers

    def _access_token(self) -> str:
        if self._token and self._token[1] > time.time() + 60:
            return self._token[0]
        secret = secret_from_env(self.config.client_secret_env, "Reddit app's client secret")
        grant = {"grant_type": "client_credentials"}
        if self.config.username:
            # Only a token for an account may post; an app-only token can just read.
            password = secret_from_env(self.config.password_env, f"password of the Reddit account {self.config.username}")
            grant = {"grant_type": "password", "username": self.config.username, "password": password}
        token_url = (self.config.base_url or "https://www.reddit.com").rstrip("/") + "/api/v1/access_token"
        headers = {"User-Agent": self.config.user_agent, "Authorization": bounded.basic_auth(self.config.client_id or "", secret)}
        try:
            fetched = bounded.request(self.http, "POST", token_url, self.config, headers=headers, form=grant, accept=("json",))
            body = json.loads(fetched.content)
            token = body["access_token"]
        except SourceHttpError as exc:
            raise SourceHttpError(
                f"Reddit sign-in failed: HTTP {exc.status}; check client_id, {self.config.client_secret_env}"
                + (f", username and {self.config.password_env}" if self.config.username else ""),
                status=exc.status,
                detail=exc.detail,
            ) from None
        except (ValueError, KeyError, TypeError) as exc:
            # Reddit answers a wrong password with 200 and {"error": "invalid_grant"}.
            raise SourceHttpError(f"Reddit sign-in was refused ({type(exc).__name__}); check the credentials", status=401) from None
        self._token = (token, time.time() + float(body.get("expires_in", 3600)))
        return self._token[0]

    def fetch(self, cursor: Cursor | None) -> FetchResult:
        since = Since.read(cursor, self.config.lookback_hours)
        url, headers = self._endpoint_and_headers()
        params: dict[str, str | int] = {"q": self.config.query, "sort": "new", "limit": self.config.limit, "raw_json": 1, "type": "link"}
        if self.config.subreddit:
            params["restrict_sr"] = 1
        mentions: list[Mention] = []
        after, left = "", False
        for _ in range(self.config.max_pages):
            fetched = bounded.get(self.http, url, self.config, params={**params, **({"after": after} if after else {})}, headers=headers, accept=("json",))
            try:
                listing = json.loads(fetched.content)["data"]
                children, after = listing["children"], str(listing.get("after") or "")
            except (ValueError, KeyError, TypeError) as exc:
                raise SourceError(f"Reddit sent an unexpected body: {type(exc).__name__}") from None
            page = [m for m in (self._mention(c.get("data") or {}) for c in children) if m]
            mentions += [m for m in page if since.is_new_mention(m)]
            # Newest first: a short page, or one reaching back to the cursor, is the last one needed.
            if not after or len(children) < self.config.limit or since.reached_by(page):
                break
        else:
            left = True
        warning = pages_left(left, self.config.max_pages, "posts")
        return FetchResult(mentions, since.advance_past(mentions), warning)

    def _mention(self, post: dict[str, Any]) -> Mention | None:
        if not post.get("name") or not post.get("created_utc") or not post.get("permalink"):
            return None
        return Mention(
            source_kind=self.kind,
            source_name=self.name,
            external_id=post["name"],
            url="https://www.reddit.com" + post["permalink"],
            title=post.get("title") or "",
            text=post.get("selftext") or html_to_text(post.get("selftext_html")),
            author=post.get("author") or "",
            published_at=datetime.fromtimestamp(float(post["created_utc"]), tz=UTC),
            reach=post.get("score"),
            extra={"subreddit": post.get("subreddit"), "num_comments": post.get("num_comments"), "link": post.get("url")},
            reply_to={"thing_id": post["name"]},
        )

    @classmethod
    def can_publish(cls, config: SourceConfig) -> bool:
        return isinstance(config, RedditConfig) and bool(config.client_id and config.username)

    def publish_reply(self, target: dict[str, Any], text: str, *, idempotency_key: str | None = None) -> Published:
        thing_id = str((target or {}).get("thing_id", ""))
        if not re.fullmatch(r"t[13]_[0-9a-z]+", thing_id):
            raise PublishError(PublishProblem.REFUSED, "this mention carries no Reddit post or comment id (t3_/t1_) to reply to")
        if not text.strip():
            raise PublishError(PublishProblem.REFUSED, "the reply is empty")
        if not self.can_publish(self.config):
            raise PublishError(PublishProblem.AUTH, f"Reddit source {self.name} needs client_id and username (a script app's account) to post")
        try:
            headers = {"User-Agent": self.config.user_agent, "Authorization": f"Bearer {self._access_token()}"}
            form = {"thing_id": thing_id, "text": text, "api_type": "json", "raw_json": "1"}
            fetched = bounded.request(self.http, "POST", self._oauth_api + "/api/comment", self.config, headers=headers, form=form, accept=("json",))
        except SourceError as exc:
            raise publish_failure(exc, "Reddit") from None
        try:
            answer = json.loads(fetched.content)["json"]
            errors = answer.get("errors") or []
            if errors:
                raise self._refusal(errors[0])
            comment = answer["data"]["things"][0]["data"]
            # Newer answers carry the permalink; older ones only the ids, which make the same address.
            path = comment.get("permalink") or f"/comments/{comment['link_id'].removeprefix('t3_')}/_/{comment['id']}/"
            return Published(url="https://www.reddit.com" + path, external_id=comment["name"])
        except (ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
            raise PublishError(PublishProblem.OTHER, f"Reddit answered the reply with an unexpected body: {type(exc).__name__}") from None

    @staticmethod
    def _refusal(error: list[Any]) -> PublishError:
        code, message = str(error[0]), str(error[1]) if len(error) > 1 else ""
        if code in _GONE:
            return PublishError(PublishProblem.GONE, f"cannot reply on Reddit: {_GONE[code]}")
        if code == "RATELIMIT":
            wait = _reddit_wait(message)
            return PublishError(PublishProblem.RATE_LIMITED, f"Reddit is rate limiting this account: {message[:120]}", wait)
        if code == "USER_REQUIRED":
            return PublishError(PublishProblem.AUTH, "Reddit did not accept the account's sign-in for posting")
        return PublishError(PublishProblem.OTHER, f"Reddit refused the reply: {code} {message[:120]}".rstrip())
