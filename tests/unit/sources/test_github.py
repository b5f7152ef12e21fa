"""GitHub issues against answers in its API's documented shapes: search, comments, primary and secondary rate limits."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from sources import PublishProblem, SourceError, SourceRateLimited, can_publish
from tests.unit.sources.conftest import FIXTURES
from tests.unit.sources.test_publish import config, failure, publish
from tests.unit.sources.test_social import make

SEARCH = {"query": "acme in:title,body", "repos": ["acme/acme-cli", "acme/acme-js"]}
WRITER = {"kind": "github", "name": "gh", "allow_private_network": True, "base_url": "http://gh.test", **SEARCH}
EARLIER = {"since": 1795100000, "ids_at_since": []}
TARGET = {"comments_url": "https://api.github.com/repos/acme/acme-cli/issues/412/comments"}


def fixture(name: str, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    body = json.loads((FIXTURES / "sources" / name).read_text(encoding="utf-8"))
    return httpx.Response(status, json=body, headers=headers or {})


def github(search: str = "github-graphql-discussions.json"):  # type: ignore[no-untyped-def]
    """REST search for issues, GraphQL for discussions."""
    return lambda r: fixture(search) if r.url.path == "/graphql" else fixture("github-search-issues.json")


@pytest.fixture
def token(monkeypatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret_token")


def test_issues_in_the_chosen_repositories_are_searched_newest_first(client, requests_seen, token) -> None:
    result = make("github", client(github()), **SEARCH).fetch(EARLIER)
    login, typo, _discussion = result.mentions
    assert (login.url, login.author, login.reach) == ("https://github.com/acme/acme-cli/issues/412", "tobias-k", 9)
    assert login.title == "acme/acme-cli#412: acme login loops forever after upgrading to 5.0"
    assert login.reply_to == TARGET and typo.text == ""
    request = requests_seen[0]
    assert request.url.path == "/search/issues" and request.headers["User-Agent"] == "complaint-bot"
    assert request.url.params["q"] == "acme in:title,body is:issue repo:acme/acme-cli repo:acme/acme-js created:>=2026-11-19T14:53:20Z"
    assert (request.url.params["sort"], request.url.params["order"]) == ("created", "desc")
    assert request.headers["Authorization"] == "Bearer ghp_secret_token"
    again = make("github", client(github()), **SEARCH).fetch(result.cursor)
    assert again.mentions == []


def test_discussions_come_through_graphql_with_the_token_only(client, requests_seen, token, monkeypatch) -> None:
    discussion = make("github", client(github()), **SEARCH).fetch(EARLIER).mentions[-1]
    assert (discussion.url, discussion.author, discussion.reply_to) == (
        "https://github.com/acme/acme-cli/discussions/57", "sso-sad", {"discussion_id": "D_kwDOAcmeCliDisc57"},
    )
    assert discussion.title == "acme/acme-cli discussion #57: Is Acme Cloud still maintained? Three weeks without an answer"
    graph = json.loads(requests_seen[1].content)
    assert requests_seen[1].url.path == "/graphql" and "type: DISCUSSION" in graph["query"]
    assert graph["variables"]["q"].startswith("acme in:title,body sort:created-desc repo:acme/acme-cli repo:acme/acme-js created:>=")
    monkeypatch.delenv("GITHUB_TOKEN")
    requests_seen.clear()
    assert len(make("github", client(github()), **SEARCH).fetch(EARLIER).mentions) == 2
    assert [r.url.path for r in requests_seen] == ["/search/issues"]


def test_a_graphql_rate_limit_answered_with_200_is_a_rate_limit(client, token) -> None:
    with pytest.raises(SourceRateLimited) as raised:
        make("github", client(github("github-graphql-rate-limited.json")), **SEARCH).fetch(EARLIER)
    assert raised.value.retry_after == 60 and "RATE_LIMITED" in str(raised.value)


def test_a_reply_to_a_discussion_is_added_through_graphql(client, requests_seen, token) -> None:
    done = publish(client, lambda r: fixture("github-graphql-comment.json"), WRITER, {"discussion_id": "D_kwDOAcmeCliDisc57"}, "Hi sso-sad, sorry.")
    assert done.url == "https://github.com/acme/acme-cli/discussions/57#discussioncomment-11000001"
    sent = json.loads(requests_seen[0].content)
    assert sent["variables"] == {"discussion": "D_kwDOAcmeCliDisc57", "body": "Hi sso-sad, sorry."} and "addDiscussionComment" in sent["query"]
    gone = failure(client, lambda r: fixture("github-graphql-not-found.json"), WRITER, {"discussion_id": "D_kwDOAcmeCliDisc57"})
    assert gone.problem == PublishProblem.GONE
    unsure = failure(client, lambda r: httpx.Response(502), WRITER, {"discussion_id": "D_kwDOAcmeCliDisc57"})
    assert unsure.problem == PublishProblem.OTHER


@pytest.mark.parametrize("status,headers,wait", [
    (403, {"Retry-After": "30", "x-ratelimit-remaining": "20"}, (30, 30)),
    (403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "{reset}"}, (110, 120)),
    (429, {"x-ratelimit-remaining": "12", "x-ratelimit-reset": "{reset}"}, (60, 60)),
    (403, {}, (60, 60)),
])
def test_primary_and_secondary_rate_limits_wait_as_github_documents(client, token, status, headers, wait) -> None:
    said = {k: v.format(reset=int(time.time()) + 120) for k, v in headers.items()}
    limited = fixture("github-error-secondary.json", status, said)
    with pytest.raises(SourceRateLimited) as raised:
        make("github", client(lambda r: limited), **SEARCH).fetch(EARLIER)
    assert raised.value.retry_after is not None and wait[0] <= raised.value.retry_after <= wait[1]


def test_a_bad_token_or_a_wrong_repository_is_one_clear_line(client, token) -> None:
    with pytest.raises(SourceError) as bad:
        make("github", client(lambda r: fixture("github-error-bad-credentials.json", 401)), **SEARCH).fetch(None)
    assert str(bad.value) == "GitHub refused the token in GITHUB_TOKEN: Bad credentials"
    with pytest.raises(SourceError) as wrong:
        make("github", client(lambda r: fixture("github-error-validation.json", 422)), **SEARCH).fetch(None)
    assert "cannot be searched" in str(wrong.value) and "ghp_secret_token" not in str(wrong.value) and "\n" not in str(wrong.value)


def test_a_reply_is_a_comment_posted_to_the_issue_on_the_configured_host(client, requests_seen, token) -> None:
    done = publish(client, lambda r: fixture("github-comment-created.json", 201), WRITER, TARGET, "Hi tobias-k, I work on the support team here.")
    assert done.url == "https://github.com/acme/acme-cli/issues/412#issuecomment-2500990001"
    sent = requests_seen[0]
    assert (sent.method, str(sent.url)) == ("POST", "http://gh.test/repos/acme/acme-cli/issues/412/comments")
    assert json.loads(sent.content) == {"body": "Hi tobias-k, I work on the support team here."}


def test_a_comments_address_elsewhere_is_refused_before_sending(client, requests_seen, token) -> None:
    refused = failure(client, lambda r: fixture("github-comment-created.json", 201), WRITER, {"comments_url": "https://evil.example/steal?x=/repos/a/b/issues/1/comments"})
    assert refused.problem == PublishProblem.REFUSED and requests_seen == []


def test_a_locked_issue_is_gone_and_a_read_only_token_is_auth(client, token) -> None:
    locked = failure(client, lambda r: httpx.Response(403, json={"message": "Unable to create comment because issue is locked."}), WRITER, TARGET)
    assert locked.problem == PublishProblem.GONE
    read_only = failure(client, lambda r: httpx.Response(403, json={"message": "Resource not accessible by personal access token"}), WRITER, TARGET)
    assert read_only.problem == PublishProblem.AUTH and "ghp_secret_token" not in str(read_only)


def test_publishing_needs_the_token_to_be_set(monkeypatch) -> None:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    assert not can_publish(config(WRITER))
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret_token")
    assert can_publish(config(WRITER))


def test_check_searches_once(client, requests_seen, token) -> None:
    said = make("github", client(github()), **SEARCH).verify()
    assert said == "searches with the token; 2 match(es) in the last day" and len(requests_seen) == 1
