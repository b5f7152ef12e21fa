"""Reddit, Mastodon, Bluesky, App Store, X and YouTube against recorded, real-shaped responses."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest

from sources import SOURCE_TYPES, SourceDisabled, SourceError, SourceRateLimited, build_source
from tests.unit.sources.conftest import FIXTURES, fixture_response

EARLIER = {"since": 1795100000, "ids_at_since": []}


def make(kind: str, client: httpx.Client, **config: object):  # type: ignore[no-untyped-def]
    cls = SOURCE_TYPES[kind]
    return cls(cls.Config.model_validate({"kind": kind, "name": kind, "allow_private_network": True, **config}), client)


def json_fixture(name: str) -> httpx.Response:
    return fixture_response(name, "application/json; charset=utf-8")


REDDIT = {"query": "acme", "user_agent": "web:acme-complaints:1.0 (by /u/acme_support)"}


def test_reddit_public_search(client, requests_seen) -> None:
    result = make("reddit", client(lambda r: json_fixture("reddit-search.json")), **REDDIT).fetch(EARLIER)
    first = result.mentions[0]
    assert (first.external_id, first.author, first.reach) == ("t3_1q9zz01", "crumbs_everywhere", 57)
    assert first.url == "https://www.reddit.com/r/CustomerService/comments/1q9zz01/x/"
    assert first.title == "Acme refused my warranty claim" and "water damage" in first.text
    request = requests_seen[0]
    assert request.url.host == "www.reddit.com" and request.url.path == "/search.json"
    assert request.url.params["sort"] == "new" and request.headers["User-Agent"] == REDDIT["user_agent"]
    assert result.cursor == {"since": 1795163400.0, "ids_at_since": ["t3_1q9zz01", "t3_1q9zz02"]}
    again = make("reddit", client(lambda r: json_fixture("reddit-search.json")), **REDDIT).fetch(result.cursor)
    assert again.mentions == []


def test_reddit_oauth_logs_in_once_and_uses_the_token(client, requests_seen, monkeypatch) -> None:
    monkeypatch.setenv("REDDIT_CLIENT_SECRET", "shh-secret")

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/access_token":
            return httpx.Response(200, json={"access_token": "tok-1", "token_type": "bearer", "expires_in": 86400})
        return json_fixture("reddit-search.json")

    reddit = make("reddit", client(handler), client_id="app-id", base_url="https://reddit.test", **REDDIT)
    reddit.fetch(EARLIER)
    reddit.fetch(EARLIER)
    paths = [r.url.path for r in requests_seen]
    assert paths == ["/api/v1/access_token", "/search", "/search"]
    assert requests_seen[1].headers["Authorization"] == "Bearer tok-1"


def test_reddit_requires_a_descriptive_user_agent() -> None:
    with pytest.raises(ValueError, match="descriptive User-Agent"):
        SOURCE_TYPES["reddit"].Config.model_validate({"kind": "reddit", "name": "r", "query": "acme", "user_agent": "python-requests"})


def test_mastodon_hashtag_timeline_pages_forward_from_the_cursor(client, requests_seen) -> None:
    mastodon = make("mastodon", client(lambda r: json_fixture("mastodon-tag.json")), instance="https://social.example", hashtag="#Acme", limit=40)
    result = mastodon.fetch({"since_id": "117020500000000000"})
    first = result.mentions[0]
    assert first.text == "Third week waiting for my #Acme refund. Support just copy-pastes apologies."
    assert (first.author, first.reach, first.url) == ("ines", 2400, "https://social.example/@ines/117020600000000003")
    assert requests_seen[0].url.path == "/api/v1/timelines/tag/Acme"
    assert requests_seen[0].url.params["min_id"] == "117020500000000000"
    assert result.cursor == {"since_id": "117020600000000003"}


def test_mastodon_uses_base_url_like_every_http_source(client, requests_seen) -> None:
    mastodon = make(
        "mastodon", client(lambda r: json_fixture("mastodon-tag.json")), instance="https://social.example", hashtag="acme", base_url="http://mirror.test:8080/"
    )
    first = mastodon.fetch({"since_id": "117020500000000000"}).mentions[0]
    assert str(requests_seen[0].url).startswith("http://mirror.test:8080/api/v1/timelines/tag/acme?")
    # What the instance says stays as it said it: links point at the instance, not the mirror.
    assert first.url == "https://social.example/@ines/117020600000000003" and first.reply_to == {"status_id": "117020600000000003"}


def test_mastodon_search_needs_a_token_and_sends_it(client, requests_seen, monkeypatch) -> None:
    with pytest.raises(ValueError, match="needs access_token_env"):
        SOURCE_TYPES["mastodon"].Config.model_validate({"kind": "mastodon", "name": "m", "instance": "https://social.example", "query": "acme"})
    search = make("mastodon", client(lambda r: json_fixture("mastodon-search.json")), instance="https://social.example", query="acme", access_token_env="MASTO_TOKEN")
    with pytest.raises(SourceDisabled, match="MASTO_TOKEN"):
        search.fetch(None)
    monkeypatch.setenv("MASTO_TOKEN", "masto-secret")
    assert len(search.fetch({"since_id": "1"}).mentions) == 1
    assert requests_seen[-1].headers["Authorization"] == "Bearer masto-secret"
    assert requests_seen[-1].url.params["type"] == "statuses"


def test_bluesky_signs_in_searches_and_refreshes_an_expired_session(client, requests_seen, monkeypatch) -> None:
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", "app-pass-1234")
    searches = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("createSession"):
            assert json.loads(request.content) == {"identifier": "acme-watch.bsky.social", "password": "app-pass-1234"}
            return json_fixture("bluesky-session.json")
        if request.url.path.endswith("refreshSession"):
            assert request.headers["Authorization"] == "Bearer refresh-jwt-1"
            return httpx.Response(200, json={"accessJwt": "access-jwt-2", "refreshJwt": "refresh-jwt-2", "handle": "acme-watch.bsky.social", "did": "did:plc:x"})
        searches["n"] += 1
        if searches["n"] == 2:
            return httpx.Response(400, json={"error": "ExpiredToken", "message": "Token has expired"})
        return json_fixture("bluesky-search.json")

    bluesky = make("bluesky", client(handler), query="acme", handle="acme-watch.bsky.social")
    first = bluesky.fetch(EARLIER)
    post = first.mentions[0]
    assert post.url == "https://bsky.app/profile/mara.bsky.social/post/3lbq2xyzacme1"
    assert (post.author, post.reach) == ("mara.bsky.social", 153)
    bluesky.fetch(EARLIER)
    auth = [r.headers.get("Authorization") for r in requests_seen if r.url.path.endswith("searchPosts")]
    assert auth == ["Bearer access-jwt-1", "Bearer access-jwt-1", "Bearer access-jwt-2"]
    assert [r.url.path.rsplit(".", 1)[-1] for r in requests_seen if "Session" in r.url.path] == ["createSession", "refreshSession"]


def _jwt(expires_in: float) -> str:
    """A token shaped like Bluesky's (header.payload.signature) whose payload says when it expires."""
    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'typ': 'at+jwt', 'alg': 'ES256K'})}.{part({'scope': 'com.atproto.appPass', 'exp': int(datetime.now(UTC).timestamp() + expires_in)})}.c2ln"


class BlueskyServer:
    """Answers like a PDS: sessions with real-shaped JWTs, searches that check the access token."""

    def __init__(self, access_lifetime: float = 7200) -> None:
        self.access_lifetime = access_lifetime
        self.live_access: set[str] = set()
        self.live_refresh: set[str] = set()
        self.calls: list[str] = []

    def _session(self) -> httpx.Response:
        access, refresh = _jwt(self.access_lifetime), f"refresh-{len(self.calls)}"
        self.live_access.add(access)
        self.live_refresh.add(refresh)
        return httpx.Response(200, json={"did": "did:plc:acmewatcher00000000000", "handle": "acme-watch.bsky.social", "accessJwt": access, "refreshJwt": refresh, "active": True})

    def __call__(self, request: httpx.Request) -> httpx.Response:
        method = request.url.path.rsplit("/", 1)[-1]
        self.calls.append(method)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if method == "com.atproto.server.createSession":
            return self._session()
        if method == "com.atproto.server.refreshSession":
            if token not in self.live_refresh:
                return httpx.Response(400, json={"error": "ExpiredToken", "message": "Token has expired"})
            self.live_refresh.discard(token)
            return self._session()
        if token not in self.live_access:
            return httpx.Response(400, json={"error": "ExpiredToken", "message": "Token has expired"})
        return json_fixture("bluesky-search.json")

    def expire_everything(self) -> None:
        self.live_access.clear()
        self.live_refresh.clear()


BLUESKY = {"kind": "bluesky", "name": "bsky", "query": "acme", "handle": "acme-watch.bsky.social", "allow_private_network": True}


def poll_bluesky(http: httpx.Client, times: int) -> None:
    """As the pipeline does: a new source built from the config for every poll."""
    for _ in range(times):
        build_source(SOURCE_TYPES["bluesky"].Config.model_validate(BLUESKY), http).fetch(EARLIER)


def test_bluesky_signs_in_once_across_polls_though_each_poll_builds_a_new_source(client, monkeypatch) -> None:
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", "app-pass-1234")
    server = BlueskyServer()
    poll_bluesky(client(server), 12)
    assert server.calls.count("com.atproto.server.createSession") == 1
    assert server.calls.count("app.bsky.feed.searchPosts") == 12


def test_bluesky_refreshes_an_access_token_past_its_expiry_before_using_it(client, monkeypatch) -> None:
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", "app-pass-1234")
    server = BlueskyServer(access_lifetime=30)  # inside the refresh margin: due now
    poll_bluesky(client(server), 3)
    assert server.calls == [
        "com.atproto.server.createSession", "app.bsky.feed.searchPosts",
        "com.atproto.server.refreshSession", "app.bsky.feed.searchPosts",
        "com.atproto.server.refreshSession", "app.bsky.feed.searchPosts",
    ]


def test_bluesky_refreshes_on_expired_token_and_signs_in_again_only_when_refresh_fails(client, monkeypatch) -> None:
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", "app-pass-1234")
    server = BlueskyServer()
    http = client(server)
    poll_bluesky(http, 1)
    server.live_access.clear()  # the server expired the access token early
    poll_bluesky(http, 1)
    assert server.calls[2:] == ["app.bsky.feed.searchPosts", "com.atproto.server.refreshSession", "app.bsky.feed.searchPosts"]
    server.expire_everything()  # the refresh token is gone too (revoked, or the app password changed)
    poll_bluesky(http, 2)
    assert server.calls[5:] == [
        "app.bsky.feed.searchPosts", "com.atproto.server.refreshSession", "com.atproto.server.createSession", "app.bsky.feed.searchPosts",
        "app.bsky.feed.searchPosts",
    ]


def test_bluesky_wrong_app_password_is_one_clear_line_without_the_password(client, monkeypatch) -> None:
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", "app-pass-1234")
    refused = httpx.Response(401, json={"error": "AuthenticationRequired", "message": "Invalid identifier or password"})
    with pytest.raises(SourceError) as caught:
        poll_bluesky(client(lambda r: refused), 1)
    assert str(caught.value) == (
        "Bluesky sign-in failed: HTTP 401 (AuthenticationRequired: Invalid identifier or password); check handle and BLUESKY_APP_PASSWORD"
    )


def test_bluesky_without_an_account_is_disabled_clearly(client) -> None:
    with pytest.raises(SourceDisabled, match="needs a signed-in account"):
        make("bluesky", client(lambda r: httpx.Response(403)), query="acme").fetch(None)


def _appstore_feed(*ages_hours: float) -> dict:
    """The recorded feed with its reviews dated `ages_hours` ago (the feed's first entry is the app itself)."""
    body = json.loads((FIXTURES / "sources" / "appstore-reviews.json").read_text())
    reviews = [e for e in body["feed"]["entry"] if "im:rating" in e]
    now = datetime.now(UTC).astimezone(timezone(timedelta(hours=-7)))
    for review, age in zip(reviews, ages_hours, strict=True):
        review["updated"] = {"label": (now - timedelta(hours=age)).isoformat(timespec="seconds")}
    return body


def test_app_store_first_poll_reports_the_look_back_window_by_each_review_date(client) -> None:
    body = _appstore_feed(2, 30, 200)
    store = make("appstore", client(lambda r: httpx.Response(200, json=body)), app_id="1234567890", max_pages=1, lookback_hours=24)
    first = store.fetch(None)
    [recent] = first.mentions
    assert (recent.external_id, recent.rating, recent.author) == ("11000000003", 1, "GrumpyGran")
    assert recent.published_at is not None and recent.published_at.utcoffset() == timedelta(hours=-7)
    assert len(first.cursor["seen"]) == 3
    wider = make("appstore", client(lambda r: httpx.Response(200, json=body)), app_id="1234567890", max_pages=1, lookback_hours=48)
    assert [m.external_id for m in wider.fetch(None).mentions] == ["11000000003", "11000000002"]


def test_app_store_later_polls_report_every_unseen_review_and_link_to_a_page_that_exists(client) -> None:
    body = _appstore_feed(2, 30, 200)
    first = make("appstore", client(lambda r: httpx.Response(200, json=body)), app_id="1234567890", max_pages=1).fetch(None)
    body["feed"]["entry"].insert(1, {**body["feed"]["entry"][1], "id": {"label": "11000000004"}, "im:rating": {"label": "2"}})
    newer = make("appstore", client(lambda r: httpx.Response(200, json=body)), app_id="1234567890", max_pages=1).fetch(first.cursor)
    [review] = newer.mentions
    assert (review.external_id, review.rating) == ("11000000004", 2)
    # Apple has no address for one review (no review= parameter): the app's reviews page is what exists.
    assert review.url == "https://apps.apple.com/us/app/id1234567890?see-all=reviews"
    assert review.reply_to is None


def test_x_and_youtube_are_disabled_without_credentials_and_work_with_them(client, monkeypatch) -> None:
    x = make("x", client(lambda r: json_fixture("x-search.json")), query="acme")
    youtube = make("youtube", client(lambda r: json_fixture("youtube-comments.json")), channel_id="UCacmeacmeacmeacmeacme00")
    with pytest.raises(SourceDisabled, match="X_BEARER_TOKEN"):
        x.fetch(None)
    with pytest.raises(SourceDisabled, match="YOUTUBE_API_KEY"):
        youtube.fetch(None)
    monkeypatch.setenv("X_BEARER_TOKEN", "x-token")
    monkeypatch.setenv("YOUTUBE_API_KEY", "yt-key")
    posts = x.fetch(None)
    assert posts.mentions[0].url == "https://x.com/dana_waits/status/1859000000000000002" and posts.mentions[0].reach == 310
    assert posts.cursor == {"since_id": "1859000000000000002"}
    comments = youtube.fetch(EARLIER)
    assert comments.mentions[0].url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ&lc=UgzAcmeThread1"


@pytest.mark.parametrize("kind,config", [
    ("reddit", REDDIT), ("mastodon", {"instance": "https://social.example", "hashtag": "acme"}), ("appstore", {"app_id": "1"}),
])
def test_hostile_and_broken_answers_are_clear_source_errors(client, kind: str, config: dict) -> None:
    for response in (httpx.Response(200, text="{not json", headers={"Content-Type": "application/json"}),
                     httpx.Response(200, text="<html>", headers={"Content-Type": "text/html"}),
                     httpx.Response(502)):
        with pytest.raises(SourceError):
            make(kind, client(lambda r, resp=response: resp), **config).fetch(EARLIER if kind == "reddit" else None)
    with pytest.raises(SourceRateLimited):
        make(kind, client(lambda r: httpx.Response(429, headers={"Retry-After": "5"})), **config).fetch(None)
