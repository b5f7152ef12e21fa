"""Bluesky post search (app.bsky.feed.searchPosts), signed in with an app password; replies via createRecord.

Bluesky's public AppView no longer answers unauthenticated searches, so the
source signs in (com.atproto.server.createSession). Bluesky allows an account
300 new sessions a day while the pipeline builds its sources anew every poll,
so sessions live in `bluesky_session.SESSIONS`, kept for the life of the process per service
and handle: an expired access token is refreshed (refreshSession), and only
a refresh that fails signs in again.
"""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx
import regex
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
    SourceDisabled,
    SourceError,
    SourceHttpError,
    publish_failure,
    secret_from_env,
)
from sources.bluesky_session import SESSIONS, Session, SessionStore
from sources.cursor import Since, pages_left

# Bluesky counts a post's length in graphemes (what a reader sees as one character) and caps its bytes.
MAX_GRAPHEMES = 300
MAX_BYTES = 3000
# Refresh a little before the access token runs out rather than have a call refused.
_LINK = re.compile(r"https?://[^\s<>\"]+")


class BlueskyConfig(SourceConfig):
    query: str = Field(min_length=1)
    handle: str | None = None
    app_password_env: str = "BLUESKY_APP_PASSWORD"
    # The account's PDS; it proxies searchPosts to the AppView for signed-in users.
    service: str = Field(default="https://bsky.social", pattern=r"^https?://")
    limit: int = Field(default=100, ge=1, le=100)
    max_pages: int = Field(default=3, ge=1, le=10)




def graphemes(text: str) -> int:
    return len(regex.findall(r"\X", text))


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def _strong_ref(value: Any) -> dict[str, str] | None:
    if not isinstance(value, dict):
        return None
    uri, cid = value.get("uri"), value.get("cid")
    if not isinstance(uri, str) or not uri.startswith("at://") or not isinstance(cid, str) or not cid:
        return None
    return {"uri": uri, "cid": cid}


def _token_refused(exc: SourceHttpError) -> bool:
    """An expired or revoked token: refreshing may help, unlike a bad request."""
    return exc.status == 401 or exc.status == 400 and exc.detail.startswith(("ExpiredToken", "InvalidToken"))


def _too_long(text: str) -> str | None:
    """Why Bluesky would reject this text, checked here so that nothing is sent."""
    if not text.strip():
        return "the reply is empty"
    if (length := graphemes(text)) > MAX_GRAPHEMES:
        return f"Bluesky posts hold {MAX_GRAPHEMES} characters; this reply has {length}: shorten it"
    if (size := len(text.encode())) > MAX_BYTES:
        return f"Bluesky posts hold {MAX_BYTES:,} bytes; this reply has {size:,} (emoji take several each): shorten it"
    return None


def _link_facets(text: str) -> list[dict[str, Any]]:
    """Bluesky shows a URL as a link only with a facet giving its UTF-8 byte range."""
    facets = []
    for match in _LINK.finditer(text):
        url = match.group(0).rstrip(".,;:!?)'")
        start = len(text[: match.start()].encode())
        facets.append(
            {
                "index": {"byteStart": start, "byteEnd": start + len(url.encode())},
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": url}],
            }
        )
    return facets


class BlueskySource(HttpSource):
    kind: ClassVar[str] = "bluesky"
    Config: ClassVar[type[SourceConfig]] = BlueskyConfig

    def __init__(self, config: BlueskyConfig, http: httpx.Client, sessions: SessionStore = SESSIONS) -> None:
        super().__init__(config, http)
        self.sessions = sessions

    @property
    def _host(self) -> str:
        return (self.config.base_url or self.config.service).rstrip("/")

    def _xrpc(self, method: str) -> str:
        return f"{self._host}/xrpc/{method}"

    def _session(self, refused: Session | None = None) -> Session:
        """The stored session, refreshed if its access token expired (or was just refused); sign in only if that fails."""
        if not self.config.handle:
            raise SourceDisabled("disabled: Bluesky needs a signed-in account; set handle and app_password_env")
        key = (self._host, self.config.handle.lower())
        with self.sessions.lock(key):
            current = self.sessions.get(key)
            if current is not None and current != refused and not current.access_expired(time.time()):
                return current
            session = (self._refresh(current) if current is not None else None) or self._sign_in()
            self.sessions.put(key, session)
            return session

    def _refresh(self, session: Session) -> Session | None:
        try:
            fetched = bounded.request(
                self.http,
                "POST",
                self._xrpc("com.atproto.server.refreshSession"),
                self.config,
                headers={"Authorization": f"Bearer {session.refresh_jwt}"},
                accept=("json",),
            )
        except SourceHttpError:
            return None  # the refresh token expired or was revoked: sign in again
        return Session.from_answer(fetched.content)

    def _sign_in(self) -> Session:
        password = secret_from_env(self.config.app_password_env, "Bluesky app password")
        try:
            fetched = bounded.request(
                self.http,
                "POST",
                self._xrpc("com.atproto.server.createSession"),
                self.config,
                json_body={"identifier": self.config.handle, "password": password},
                accept=("json",),
            )
        except SourceHttpError as exc:
            why = f" ({exc.detail})" if exc.detail else ""
            message = f"Bluesky sign-in failed: HTTP {exc.status}{why}; check handle and {self.config.app_password_env}"
            raise SourceHttpError(message, status=exc.status, detail=exc.detail) from None
        return Session.from_answer(fetched.content)

    def _call(
        self, method: str, xrpc: str, *, params: dict[str, str | int] | None = None, json_body: dict[str, Any] | None = None
    ) -> bounded.Fetched:
        """A signed-in XRPC call; a refused access token is refreshed once and the call made again."""
        session = self._session()
        for attempt in (1, 2):
            try:
                return bounded.request(
                    self.http,
                    method,
                    self._xrpc(xrpc),
                    self.config,
                    params=params,
                    headers={"Authorization": f"Bearer {session.access_jwt}"},
                    json_body=json_body,
                    accept=("json",),
                )
            except SourceHttpError as exc:
                if attempt == 2 or not _token_refused(exc):
                    raise
                session = self._session(refused=session)
        raise AssertionError("unreachable")

    def fetch(self, cursor: Cursor | None) -> FetchResult:
        since = Since.read(cursor, self.config.lookback_hours)
        params: dict[str, str | int] = {
            "q": self.config.query,
            "sort": "latest",
            "limit": self.config.limit,
            "since": datetime.fromtimestamp(since.at, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        }
        mentions: list[Mention] = []
        page_cursor, left = "", False
        for _ in range(self.config.max_pages):
            fetched = self._call("GET", "app.bsky.feed.searchPosts", params={**params, **({"cursor": page_cursor} if page_cursor else {})})
            try:
                body = json.loads(fetched.content)
                posts, page_cursor = body["posts"], str(body.get("cursor") or "")
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise SourceError(f"Bluesky sent an unexpected body: {type(exc).__name__}") from None
            mentions += [m for m in map(self._mention, posts) if m and since.is_new_mention(m)]
            # `since` already bounds the search: a page short of the limit, or no cursor, is the end.
            if not page_cursor or len(posts) < self.config.limit:
                break
        else:
            left = True
        warning = pages_left(left, self.config.max_pages, "posts")
        return FetchResult(mentions, since.advance_past(mentions), warning)

    def _mention(self, post: dict[str, Any]) -> Mention | None:
        record, author = post.get("record") or {}, post.get("author") or {}
        uri, handle, created = post.get("uri", ""), author.get("handle"), record.get("createdAt") or post.get("indexedAt")
        if not uri.startswith("at://") or not handle or not created:
            return None
        parent = _strong_ref(post)
        # A post that is itself a reply names its thread's root; a reply to us must keep that root.
        root = _strong_ref((record.get("reply") or {}).get("root")) or parent
        return Mention(
            source_kind=self.kind,
            source_name=self.name,
            external_id=uri,
            url=f"https://bsky.app/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}",
            text=record.get("text") or "",
            author=handle,
            published_at=datetime.fromtimestamp(_epoch(created), tz=UTC),
            reach=(post.get("likeCount") or 0) + (post.get("repostCount") or 0),
            extra={"replies": post.get("replyCount"), "quotes": post.get("quoteCount"), "display_name": author.get("displayName")},
            reply_to={"parent": parent, "root": root} if parent else None,
        )

    @classmethod
    def can_publish(cls, config: SourceConfig) -> bool:
        return isinstance(config, BlueskyConfig) and bool(config.handle)

    def publish_reply(self, target: dict[str, Any], text: str, *, idempotency_key: str | None = None) -> Published:
        parent, root = _strong_ref((target or {}).get("parent")), _strong_ref((target or {}).get("root"))
        if not parent or not root:
            raise PublishError(PublishProblem.REFUSED, "this mention carries no Bluesky post reference (uri and cid) to reply to")
        if problem := _too_long(text):
            raise PublishError(PublishProblem.REFUSED, problem)
        try:
            if not self._still_there(parent["uri"]):
                raise PublishError(PublishProblem.GONE, "the post is gone: Bluesky no longer shows it (deleted by its author?)")
            record: dict[str, Any] = {
                "$type": "app.bsky.feed.post",
                "text": text,
                "createdAt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "reply": {"root": root, "parent": parent},
            }
            if facets := _link_facets(text):
                record["facets"] = facets
            session = self._session()
            body = {"repo": session.did, "collection": "app.bsky.feed.post", "record": record}
            fetched = self._call("POST", "com.atproto.repo.createRecord", json_body=body)
        except SourceError as exc:
            raise publish_failure(exc, "Bluesky") from None
        try:
            uri = json.loads(fetched.content)["uri"]
        except (ValueError, KeyError, TypeError) as exc:
            raise PublishError(PublishProblem.OTHER, f"Bluesky answered the reply with an unexpected body: {type(exc).__name__}") from None
        return Published(url=f"https://bsky.app/profile/{session.handle}/post/{uri.rsplit('/', 1)[-1]}", external_id=uri)

    def _still_there(self, uri: str) -> bool:
        """Bluesky accepts a reply to a deleted post (it shows as a reply to nothing); getPosts leaves deleted posts out."""
        fetched = self._call("GET", "app.bsky.feed.getPosts", params={"uris": uri})
        try:
            return any(post.get("uri") == uri for post in json.loads(fetched.content)["posts"])
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise SourceError(f"Bluesky sent an unexpected body: {type(exc).__name__}") from None
