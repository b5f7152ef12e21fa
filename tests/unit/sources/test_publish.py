"""Publishing a reply where the complaint was written: Mastodon, Bluesky and Reddit, against their real answer shapes."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import httpx
import pytest

from sources import SOURCE_TYPES, PublishError, PublishProblem, can_publish, publish_reply
from tests.unit.sources.conftest import fixture_response

MASTODON = {"kind": "mastodon", "name": "masto", "instance": "https://social.example", "hashtag": "acme", "allow_private_network": True}
BLUESKY = {"kind": "bluesky", "name": "bsky", "query": "acme", "handle": "acme-watch.bsky.social", "allow_private_network": True}
REDDIT = {
    "kind": "reddit",
    "name": "reddit",
    "query": "acme",
    "user_agent": "web:acme-complaints:1.0 (by /u/acme_support)",
    "client_id": "app-id",
    "username": "acme_support",
    "allow_private_network": True,
}


def config(table: dict, **changes: object):  # type: ignore[no-untyped-def]
    return SOURCE_TYPES[table["kind"]].Config.model_validate({**table, **changes})


def publish(client, handler, table: dict, target: dict | None, text: str, **kwargs: object):  # type: ignore[no-untyped-def]
    return publish_reply(config(table, **kwargs.pop("changes", {})), client(handler), target, text, **kwargs)


def failure(client, handler, table: dict, target: dict | None, text: str = "Sorry about this.", **changes: object) -> PublishError:  # type: ignore[no-untyped-def]
    with pytest.raises(PublishError) as caught:
        publish(client, handler, table, target, text, changes=changes)
    return caught.value


# --- who can publish -------------------------------------------------------------------------------------------


def test_only_sources_with_a_reply_api_and_credentials_to_post_can_publish() -> None:
    assert not can_publish(config(MASTODON))
    assert can_publish(config(MASTODON, access_token_env="MASTO_TOKEN"))
    assert can_publish(config(BLUESKY))
    assert not can_publish(config(BLUESKY, handle=None))
    assert can_publish(config(REDDIT))
    assert not can_publish(config(REDDIT, username=None)), "an app-only token can read but not post"
    assert not can_publish(config(REDDIT, client_id=None))
    for table in ({"kind": "appstore", "name": "a", "app_id": "1"}, {"kind": "hackernews", "name": "hn", "query": "acme"}):
        assert not can_publish(config(table))


def test_a_source_without_a_reply_api_refuses_clearly(client) -> None:
    problem = failure(client, lambda r: httpx.Response(500), {"kind": "hackernews", "name": "hn", "query": "acme"}, {"id": "1"})
    assert problem.problem is PublishProblem.REFUSED and "hackernews sources cannot publish replies" in str(problem)
    stored_without = failure(client, lambda r: httpx.Response(500), MASTODON, None, access_token_env="MASTO_TOKEN")
    assert stored_without.problem is PublishProblem.REFUSED and "reply on the site" in str(stored_without)


# --- Mastodon --------------------------------------------------------------------------------------------------

STATUS = {"status_id": "117020600000000003"}


def test_mastodon_publishes_a_reply_at_base_url_with_the_sources_token(client, requests_seen, monkeypatch) -> None:
    monkeypatch.setenv("MASTO_TOKEN", "masto-secret-123")
    answer = fixture_response("mastodon-status.json", "application/json; charset=utf-8")
    published = publish(
        client, lambda r: answer, MASTODON, STATUS, "@ines Sorry about the refund.", idempotency_key="case-7-reply",
        changes={"access_token_env": "MASTO_TOKEN", "base_url": "http://mirror.test"},
    )
    assert published.url == "https://social.example/@acme_support/117020700000000042"
    assert published.external_id == "117020700000000042"
    [request] = requests_seen
    assert (request.method, str(request.url)) == ("POST", "http://mirror.test/api/v1/statuses")
    assert json.loads(request.content) == {"status": "@ines Sorry about the refund.", "in_reply_to_id": "117020600000000003"}
    assert request.headers["Authorization"] == "Bearer masto-secret-123"
    assert request.headers["Idempotency-Key"] == "case-7-reply"


def test_mastodon_reply_to_a_deleted_status_is_gone(client, monkeypatch) -> None:
    monkeypatch.setenv("MASTO_TOKEN", "masto-secret-123")
    deleted = httpx.Response(404, json={"error": "The status you are trying to reply to does not appear to exist."})
    problem = failure(client, lambda r: deleted, MASTODON, STATUS, access_token_env="MASTO_TOKEN")
    assert problem.problem is PublishProblem.GONE and "deleted" in str(problem)


def test_mastodon_refused_token_is_auth_and_never_shows_the_token(client, monkeypatch) -> None:
    monkeypatch.setenv("MASTO_TOKEN", "masto-secret-123")
    refused = httpx.Response(401, json={"error": "The access token masto-secret-123 is invalid"})
    problem = failure(client, lambda r: refused, MASTODON, STATUS, access_token_env="MASTO_TOKEN")
    assert problem.problem is PublishProblem.AUTH
    assert str(problem) == "Mastodon refused the account's credentials: HTTP 401 (The access token *** is invalid)"
    missing = failure(client, lambda r: refused, MASTODON, STATUS, access_token_env="UNSET_TOKEN_VARIABLE")
    assert missing.problem is PublishProblem.AUTH and "UNSET_TOKEN_VARIABLE" in str(missing)


def test_mastodon_rate_limit_says_when_to_try_again(client, monkeypatch) -> None:
    monkeypatch.setenv("MASTO_TOKEN", "masto-secret-123")
    reset = (datetime.now(UTC) + timedelta(minutes=4)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    throttled = httpx.Response(
        429, json={"error": "Too many requests"}, headers={"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}
    )
    problem = failure(client, lambda r: throttled, MASTODON, STATUS, access_token_env="MASTO_TOKEN")
    assert problem.problem is PublishProblem.RATE_LIMITED
    assert problem.retry_after is not None and 200 < problem.retry_after <= 240


def test_a_refused_text_is_a_definite_no_but_a_server_error_may_have_posted(client, monkeypatch) -> None:
    monkeypatch.setenv("MASTO_TOKEN", "masto-secret-123")
    too_long = httpx.Response(422, json={"error": "Validation failed: Text character limit of 500 exceeded"})
    refused = failure(client, lambda r: too_long, MASTODON, STATUS, access_token_env="MASTO_TOKEN")
    assert refused.problem is PublishProblem.REFUSED
    assert str(refused) == "Mastodon refused the reply: HTTP 422 (Validation failed: Text character limit of 500 exceeded)"
    unsure = failure(client, lambda r: httpx.Response(502, json={"error": "Bad gateway"}), MASTODON, STATUS, access_token_env="MASTO_TOKEN")
    assert unsure.problem is PublishProblem.OTHER and "did not confirm the reply" in str(unsure)


def test_publishing_goes_through_the_bounded_client(client, monkeypatch) -> None:
    monkeypatch.setenv("MASTO_TOKEN", "masto-secret-123")
    private = failure(client, lambda r: httpx.Response(200), MASTODON, STATUS, access_token_env="MASTO_TOKEN", base_url="http://127.0.0.1:9", allow_private_network=False)
    assert private.problem is PublishProblem.OTHER and "non-public address 127.0.0.1" in str(private)
    huge = httpx.Response(200, content=b"{" + b" " * 2_000_000 + b"}", headers={"Content-Type": "application/json"})
    oversized = failure(client, lambda r: huge, MASTODON, STATUS, access_token_env="MASTO_TOKEN", max_bytes=1_000_000)
    assert oversized.problem is PublishProblem.OTHER and "1,000,000-byte limit" in str(oversized)
    moved = httpx.Response(308, headers={"Location": "https://elsewhere.example/api/v1/statuses"})
    redirected = failure(client, lambda r: moved, MASTODON, STATUS, access_token_env="MASTO_TOKEN")
    assert redirected.problem is PublishProblem.OTHER and "set base_url to the final address" in str(redirected)


# --- Bluesky ---------------------------------------------------------------------------------------------------

PARENT = {"uri": "at://did:plc:mara0000000000000/app.bsky.feed.post/3lbq2xyzacme1", "cid": "bafyrei3lbq2xyzacme1"}
ROOT = {"uri": "at://did:plc:ops0000000000000/app.bsky.feed.post/3lbq2rootpost", "cid": "bafyrei3lbq2rootpost"}
POST_VIEW = {
    "uri": PARENT["uri"],
    "cid": PARENT["cid"],
    "author": {"did": "did:plc:mara0000000000000", "handle": "mara.bsky.social", "displayName": "Mara", "labels": []},
    "record": {
        "$type": "app.bsky.feed.post",
        "createdAt": "2026-11-20T08:45:00.000Z",
        "text": "acme's outage took down our checkout for 4 hours",
        "reply": {"root": ROOT, "parent": ROOT},
    },
    "replyCount": 0, "repostCount": 0, "likeCount": 3, "quoteCount": 0, "indexedAt": "2026-11-20T08:45:00.000Z", "labels": [],
}
CREATED = {
    "uri": "at://did:plc:acmewatcher00000000000/app.bsky.feed.post/3lbrreplyacme",
    "cid": "bafyreireplyacme",
    "commit": {"cid": "bafyreicommit", "rev": "3lbrrev"},
    "validationStatus": "valid",
}


def bluesky_pds(*, posts: list | None = None, create: httpx.Response | None = None, session: httpx.Response | None = None):  # type: ignore[no-untyped-def]
    def handler(request: httpx.Request) -> httpx.Response:
        method = request.url.path.rsplit("/", 1)[-1]
        if method == "com.atproto.server.createSession":
            return session or fixture_response("bluesky-session.json", "application/json")
        if method == "app.bsky.feed.getPosts":
            return httpx.Response(200, json={"posts": [POST_VIEW] if posts is None else posts})
        if method == "com.atproto.repo.createRecord":
            return create or httpx.Response(200, json=CREATED)
        return httpx.Response(501)

    return handler


def test_bluesky_mentions_carry_the_post_and_its_thread_root(client) -> None:
    mention = SOURCE_TYPES["bluesky"](config(BLUESKY), client(lambda r: httpx.Response(500)))._mention(POST_VIEW)
    assert mention is not None and mention.reply_to == {"parent": PARENT, "root": ROOT}
    top_level = {**POST_VIEW, "record": {k: v for k, v in POST_VIEW["record"].items() if k != "reply"}}
    assert SOURCE_TYPES["bluesky"](config(BLUESKY), client(lambda r: httpx.Response(500)))._mention(top_level).reply_to == {
        "parent": PARENT, "root": PARENT
    }


def test_bluesky_publishes_a_reply_record_in_the_thread(client, requests_seen, monkeypatch) -> None:
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", "app-pass-1234")
    text = "Sorry the outage hit your checkout 🙏 Status and credits: https://status.acme.example/incidents/42."
    published = publish(client, bluesky_pds(), BLUESKY, {"parent": PARENT, "root": ROOT}, text, changes={"base_url": "http://pds.test"})
    assert published.url == "https://bsky.app/profile/acme-watch.bsky.social/post/3lbrreplyacme"
    assert published.external_id == CREATED["uri"]
    assert [r.url.path for r in requests_seen] == [
        "/xrpc/com.atproto.server.createSession", "/xrpc/app.bsky.feed.getPosts", "/xrpc/com.atproto.repo.createRecord"
    ]
    create = requests_seen[-1]
    assert create.headers["Authorization"] == "Bearer access-jwt-1" and create.url.host == "pds.test"
    body = json.loads(create.content)
    assert (body["repo"], body["collection"]) == ("did:plc:acmewatcher00000000000", "app.bsky.feed.post")
    record = body["record"]
    assert record["text"] == text and record["reply"] == {"root": ROOT, "parent": PARENT}
    [facet] = record["facets"]
    start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
    assert text.encode()[start:end] == b"https://status.acme.example/incidents/42"
    assert facet["features"] == [{"$type": "app.bsky.richtext.facet#link", "uri": "https://status.acme.example/incidents/42"}]


def test_bluesky_reply_to_a_deleted_post_is_gone_and_nothing_is_posted(client, requests_seen, monkeypatch) -> None:
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", "app-pass-1234")
    problem = failure(client, bluesky_pds(posts=[]), BLUESKY, {"parent": PARENT, "root": ROOT})
    assert problem.problem is PublishProblem.GONE and "deleted" in str(problem)
    assert not [r for r in requests_seen if r.url.path.endswith("createRecord")]


def test_bluesky_refused_app_password_is_auth(client, monkeypatch) -> None:
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", "app-pass-1234")
    refused = httpx.Response(401, json={"error": "AuthenticationRequired", "message": "Invalid identifier or password"})
    problem = failure(client, bluesky_pds(session=refused), BLUESKY, {"parent": PARENT, "root": ROOT})
    assert problem.problem is PublishProblem.AUTH and "Invalid identifier or password" in str(problem)
    assert "app-pass-1234" not in str(problem)


def test_bluesky_rate_limit_reads_the_reset_time(client, monkeypatch) -> None:
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", "app-pass-1234")
    reset = str(int(time.time()) + 90)
    limited = httpx.Response(
        429,
        json={"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
        headers={"RateLimit-Limit": "5000", "RateLimit-Remaining": "0", "RateLimit-Reset": reset, "RateLimit-Policy": "5000;w=3600"},
    )
    problem = failure(client, bluesky_pds(create=limited), BLUESKY, {"parent": PARENT, "root": ROOT})
    assert problem.problem is PublishProblem.RATE_LIMITED and problem.retry_after is not None and 60 < problem.retry_after <= 90


@pytest.mark.parametrize(
    "text,allowed",
    [
        ("a" * 300, True),
        ("a" * 301, False),
        ("e\u0301" * 300, True),  # e + combining accent: two code points, one grapheme, as Bluesky counts
        ("👨‍👩‍👧" * 150, True),  # a family emoji is five code points (18 bytes) but one grapheme
        ("👨‍👩‍👧" * 170, False),  # 170 graphemes, but over Bluesky's 3,000 bytes
        ("   ", False),
    ],
)
def test_bluesky_refuses_before_sending_what_is_over_300_graphemes(client, requests_seen, monkeypatch, text: str, allowed: bool) -> None:
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", "app-pass-1234")
    if allowed:
        publish(client, bluesky_pds(), BLUESKY, {"parent": PARENT, "root": ROOT}, text)
        return
    problem = failure(client, bluesky_pds(), BLUESKY, {"parent": PARENT, "root": ROOT}, text)
    assert problem.problem is PublishProblem.REFUSED and requests_seen == []


# --- Reddit ----------------------------------------------------------------------------------------------------

TOKEN = httpx.Response(200, json={"access_token": "reddit-user-token", "token_type": "bearer", "expires_in": 86400, "scope": "*"})
COMMENT = {
    "json": {
        "errors": [],
        "data": {
            "things": [
                {
                    "kind": "t1",
                    "data": {
                        "subreddit_id": "t5_2qh1i", "link_id": "t3_1q9zz01", "replies": "", "id": "lq0acme", "author": "acme_support",
                        "parent_id": "t3_1q9zz01", "score": 1, "body": "Sorry about the warranty claim.", "edited": False, "stickied": False,
                        "subreddit": "CustomerService", "name": "t1_lq0acme", "created_utc": 1795163900.0,
                        "permalink": "/r/CustomerService/comments/1q9zz01/acme_refused_my_warranty_claim/lq0acme/", "distinguished": None,
                    },
                }
            ]
        },
    }
}


def reddit(comment: httpx.Response):  # type: ignore[no-untyped-def]
    return lambda request: TOKEN if request.url.path == "/api/v1/access_token" else comment


@pytest.fixture
def reddit_secrets(monkeypatch) -> None:
    monkeypatch.setenv("REDDIT_CLIENT_SECRET", "client-secret-1")
    monkeypatch.setenv("REDDIT_PASSWORD", "hunter2-password")


def test_reddit_signs_in_as_the_account_and_comments_on_the_post(client, requests_seen, reddit_secrets) -> None:
    published = publish(client, reddit(httpx.Response(200, json=COMMENT)), REDDIT, {"thing_id": "t3_1q9zz01"}, "Sorry about the warranty claim.",
                        changes={"base_url": "http://reddit.test"})
    assert published.url == "https://www.reddit.com/r/CustomerService/comments/1q9zz01/acme_refused_my_warranty_claim/lq0acme/"
    assert published.external_id == "t1_lq0acme"
    token, comment = requests_seen
    assert parse_qs(token.content.decode()) == {"grant_type": ["password"], "username": ["acme_support"], "password": ["hunter2-password"]}
    assert token.headers["Authorization"].startswith("Basic ")
    assert (comment.method, str(comment.url)) == ("POST", "http://reddit.test/api/comment")
    assert parse_qs(comment.content.decode()) == {
        "thing_id": ["t3_1q9zz01"], "text": ["Sorry about the warranty claim."], "api_type": ["json"], "raw_json": ["1"]
    }
    assert comment.headers["Authorization"] == "Bearer reddit-user-token"
    assert comment.headers["User-Agent"] == "web:acme-complaints:1.0 (by /u/acme_support)"


def test_reddit_answer_without_a_permalink_still_links_the_comment(client, reddit_secrets) -> None:
    # The shape Reddit answered with before comments carried a permalink (recorded by PRAW in 2016).
    data = {k: v for k, v in COMMENT["json"]["data"]["things"][0]["data"].items() if k != "permalink"}
    old = {"json": {"errors": [], "data": {"things": [{"kind": "t1", "data": data}]}}}
    published = publish(client, reddit(httpx.Response(200, json=old)), REDDIT, {"thing_id": "t1_lpzzzzz"}, "Thanks for the details.")
    assert published.url == "https://www.reddit.com/comments/1q9zz01/_/lq0acme/"


@pytest.mark.parametrize("code,message", [
    ("DELETED_LINK", "the link you are commenting on has been deleted"),
    ("DELETED_COMMENT", "that comment has been deleted"),
    ("TOO_OLD", "that's a piece of history now; it's too late to reply to it"),
])
def test_reddit_reply_to_a_deleted_or_archived_post_is_gone(client, reddit_secrets, code: str, message: str) -> None:
    refused = httpx.Response(200, json={"json": {"errors": [[code, message, "parent"]]}})
    problem = failure(client, reddit(refused), REDDIT, {"thing_id": "t3_1q9zz01"})
    assert problem.problem is PublishProblem.GONE and str(problem).startswith("cannot reply on Reddit: the ")


def test_reddit_forbidden_is_auth_and_a_wrong_password_too(client, reddit_secrets) -> None:
    forbidden = httpx.Response(403, json={"message": "Forbidden", "error": 403})
    assert failure(client, reddit(forbidden), REDDIT, {"thing_id": "t3_1q9zz01"}).problem is PublishProblem.AUTH
    # Reddit answers a wrong password with 200 and an error instead of a token.
    wrong = failure(client, lambda r: httpx.Response(200, json={"error": "invalid_grant"}), REDDIT, {"thing_id": "t3_1q9zz01"})
    assert wrong.problem is PublishProblem.AUTH and "hunter2" not in str(wrong) and "client-secret-1" not in str(wrong)


def test_reddit_rate_limits_by_status_or_by_answer(client, reddit_secrets) -> None:
    throttled = httpx.Response(429, headers={"x-ratelimit-used": "100", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "369"})
    by_status = failure(client, reddit(throttled), REDDIT, {"thing_id": "t3_1q9zz01"})
    assert by_status.problem is PublishProblem.RATE_LIMITED and by_status.retry_after == 369
    slow_down = httpx.Response(200, json={"json": {"errors": [["RATELIMIT", "Looks like you've been doing that a lot. Take a break for 5 minutes before trying again.", "ratelimit"]]}})
    by_answer = failure(client, reddit(slow_down), REDDIT, {"thing_id": "t3_1q9zz01"})
    assert by_answer.problem is PublishProblem.RATE_LIMITED and by_answer.retry_after == 300


def test_reddit_mentions_carry_their_fullname(client) -> None:
    from tests.unit.sources.test_social import json_fixture

    result = SOURCE_TYPES["reddit"](config(REDDIT, client_id=None), client(lambda r: json_fixture("reddit-search.json"))).fetch(
        {"since": 1795100000, "ids_at_since": []}
    )
    assert result.mentions[0].reply_to == {"thing_id": "t3_1q9zz01"}
