"""A local stand-in for the networks replies are published to: Mastodon, a Bluesky PDS, Reddit, Google Play (with its token endpoint), Trustpilot.

A real HTTP server on port 0 (sources reach it through `base_url`) that answers
in the shapes recorded in fixtures/sources/ and tests/unit/sources/test_publish.py,
records every request, and can be told to answer the next calls of a path
differently: an error status, a slow answer (to race two clicks), a stall
(longer than the source's timeout).
"""

from __future__ import annotations

import copy
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

SOURCES = Path(__file__).parent / "fixtures" / "sources"

MASTODON_STATUS_ID = "117020600000000003"
MASTODON_REPLY_URL = "https://social.example/@acme_support/117020700000000042"
BLUESKY_REPLY_URL = "https://bsky.app/profile/acme-watch.bsky.social/post/3lbrreplyacme"
REDDIT_REPLY_URL = "https://www.reddit.com/r/CustomerService/comments/1q9zz01/acme_refused_my_warranty_claim/lq0acme/"


def _fixture(name: str) -> Any:
    return json.loads((SOURCES / name).read_text(encoding="utf-8"))


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode())


@dataclass
class Answer:
    status: int = 200
    # None: the usual answer for the path (after `delay`).
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    # Seconds before answering: "slow" (races a second click) or longer than the source's timeout (a stall).
    delay: float = 0.0
    times: int = 1


@dataclass
class FakeNetwork:
    url: str = ""
    requests: list[Seen] = field(default_factory=list)
    answers: dict[str, list[Answer]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    mastodon_statuses: list[dict[str, Any]] = field(default_factory=lambda: _fixture("mastodon-tag.json"))
    bluesky_posts: list[dict[str, Any]] = field(default_factory=lambda: _fixture("bluesky-search.json")["posts"])
    reddit_listing: dict[str, Any] = field(default_factory=lambda: _fixture("reddit-search.json"))

    def reset(self) -> None:
        fresh = FakeNetwork()
        with self.lock:
            self.requests.clear()
            self.answers.clear()
            self.mastodon_statuses, self.bluesky_posts, self.reddit_listing = fresh.mastodon_statuses, fresh.bluesky_posts, fresh.reddit_listing

    def answer(self, path: str, answer: Answer) -> None:
        """The next `answer.times` requests to `path` get this answer instead of the usual one."""
        with self.lock:
            self.answers.setdefault(path, []).append(answer)

    def seen(self, method: str, path: str) -> list[Seen]:
        with self.lock:
            return [r for r in self.requests if r.method == method and r.path == path]

    def mastodon_says(self, content_html: str, *, acct: str = "ines") -> None:
        """The first status of the hashtag timeline, with its words replaced by a test's own."""
        status = copy.deepcopy(self.mastodon_statuses[0])
        status["content"] = content_html
        status["account"]["acct"] = acct
        self.mastodon_statuses = [status]

    # -- answering --------------------------------------------------------------------------------------------
    def respond(self, seen: Seen) -> Answer:
        with self.lock:
            self.requests.append(seen)
            pending = self.answers.get(seen.path)
            chosen = pending[0] if pending else None
            if chosen:
                chosen.times -= 1
                if chosen.times <= 0:
                    pending.pop(0)
        if chosen is None:
            return self._usual(seen)
        return chosen if chosen.body is not None else Answer(chosen.status, self._usual(seen).body, chosen.headers, chosen.delay)

    def _usual(self, seen: Seen) -> Answer:
        route = (seen.method, seen.path)
        if seen.path.startswith("/api/v1/timelines/tag/"):
            return Answer(body=self.mastodon_statuses)
        if route == ("POST", "/api/v1/statuses"):
            return Answer(body=_fixture("mastodon-status.json"))
        if route == ("POST", "/xrpc/com.atproto.server.createSession"):
            return Answer(body=_fixture("bluesky-session.json"))
        if route == ("GET", "/xrpc/app.bsky.feed.searchPosts"):
            return Answer(body={"posts": self.bluesky_posts, "hitsTotal": len(self.bluesky_posts)})
        if route == ("GET", "/xrpc/app.bsky.feed.getPosts"):
            wanted = set(seen.query.get("uris", []))
            return Answer(body={"posts": [p for p in self.bluesky_posts if p["uri"] in wanted]})
        if route == ("POST", "/xrpc/com.atproto.repo.createRecord"):
            created = {"uri": "at://did:plc:acmewatcher00000000000/app.bsky.feed.post/3lbrreplyacme", "cid": "bafyreireplyacme"}
            return Answer(body={**created, "commit": {"cid": "bafyreicommit", "rev": "3lbrrev"}, "validationStatus": "valid"})
        if route == ("POST", "/api/v1/access_token"):
            return Answer(body={"access_token": "reddit-user-token", "token_type": "bearer", "expires_in": 86400, "scope": "*"})
        if route == ("GET", "/search"):
            return Answer(body=self.reddit_listing)
        if route == ("POST", "/api/comment"):
            return Answer(body=_reddit_comment(seen))
        if route == ("POST", "/token"):
            return Answer(body=_fixture("google-token.json"))
        if seen.path.startswith("/androidpublisher/v3/applications/"):
            return Answer(body=_fixture("googleplay-reply.json") if seen.method == "POST" and seen.path.endswith(":reply") else _fixture("googleplay-reviews.json"))
        if seen.method == "GET" and seen.path.startswith("/v1/business-units/"):
            return Answer(body=_fixture("trustpilot-reviews.json"))
        if seen.method == "POST" and seen.path.startswith("/v1/private/reviews/"):
            return Answer(status=201, body={})
        return Answer(status=404, body={"error": "not found"})


def _reddit_comment(seen: Seen) -> dict[str, Any]:
    text = seen.form().get("text", [""])[0]
    comment = {
        "subreddit_id": "t5_2qh1i", "link_id": "t3_1q9zz01", "replies": "", "id": "lq0acme", "author": "acme_support", "parent_id": "t3_1q9zz01",
        "score": 1, "body": text, "name": "t1_lq0acme", "subreddit": "CustomerService", "created_utc": 1795163900.0,
        "permalink": "/r/CustomerService/comments/1q9zz01/acme_refused_my_warranty_claim/lq0acme/",
    }
    return {"json": {"errors": [], "data": {"things": [{"kind": "t1", "data": comment}]}}}


def start() -> tuple[FakeNetwork, ThreadingHTTPServer]:
    network = FakeNetwork()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            parts = urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            seen = Seen(self.command, parts.path, parse_qs(parts.query), {k.lower(): v for k, v in self.headers.items()}, body)
            answer = network.respond(seen)
            if answer.delay:
                time.sleep(answer.delay)
            payload = json.dumps(answer.body).encode()
            try:
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                for key, value in answer.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (a stall longer than its timeout)

        do_GET = do_POST = _handle  # noqa: N815 (http.server's naming)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    network.url = f"http://127.0.0.1:{server.server_port}"
    return network, server
