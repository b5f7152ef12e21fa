"""Trustpilot against answers in its API's documented shapes: business unit reviews, the company reply, errors."""

from __future__ import annotations

import json

import httpx
import pytest

from sources import PublishProblem, SourceError, can_publish
from tests.unit.sources.conftest import FIXTURES
from tests.unit.sources.test_publish import config, failure, publish
from tests.unit.sources.test_social import make

UNIT = {"business_unit_id": "5f1e2d3c4b5a69788796a5b4"}
WRITER = {"kind": "trustpilot", "name": "tp", "allow_private_network": True, "base_url": "http://tp.test", **UNIT,
          "reply_token_env": "TRUSTPILOT_REPLY_TOKEN", "business_user_id": "5e00000000000000000000aa"}
EARLIER = {"since": 1795100000, "ids_at_since": []}
TARGET = {"review_id": "6740a1b2c3d4e5f601234567"}


def fixture(name: str, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=json.loads((FIXTURES / "sources" / name).read_text(encoding="utf-8")))


@pytest.fixture
def keys(monkeypatch) -> None:
    monkeypatch.setenv("TRUSTPILOT_API_KEY", "tp-secret-key")
    monkeypatch.setenv("TRUSTPILOT_REPLY_TOKEN", "tp-secret-token")


def test_reviews_carry_stars_and_link_the_public_page(client, requests_seen, keys) -> None:
    result = make("trustpilot", client(lambda r: fixture("trustpilot-reviews.json")), **UNIT).fetch({"since": 1795161000, "ids_at_since": []})
    [charged] = result.mentions
    assert charged.rating == 1
    assert charged.url == "https://www.trustpilot.com/reviews/6740a1b2c3d4e5f601234567"
    assert (charged.author, charged.title) == ("Margaret O.", "Charged twice, no refund after 3 weeks")
    assert charged.reply_to == TARGET
    request = requests_seen[0]
    assert request.url.path == "/v1/business-units/5f1e2d3c4b5a69788796a5b4/reviews" and request.headers["apikey"] == "tp-secret-key"
    assert request.url.params["orderBy"] == "createdat.desc" and "apikey" not in request.url.params
    assert len(requests_seen) == 1, "the page reached back to the cursor: no need for the next"
    again = make("trustpilot", client(lambda r: fixture("trustpilot-reviews.json")), **UNIT).fetch(result.cursor)
    assert again.mentions == []


def test_pages_follow_next_page_and_a_review_is_reported_once(client, requests_seen, keys) -> None:
    result = make("trustpilot", client(lambda r: fixture("trustpilot-reviews.json")), max_pages=2, **UNIT).fetch(EARLIER)
    assert [m.rating for m in result.mentions] == [1, 5]
    assert [r.url.params["page"] for r in requests_seen] == ["1", "2"] and "more than 2 pages" in result.warning


def test_a_bad_key_and_a_wrong_id_are_one_clear_line_each(client, keys) -> None:
    with pytest.raises(SourceError) as bad:
        make("trustpilot", client(lambda r: fixture("trustpilot-error-invalid-key.json", 401)), **UNIT).fetch(None)
    assert str(bad.value) == "Trustpilot refused the API key in TRUSTPILOT_API_KEY (oauth.v2.InvalidApiKey: Invalid ApiKey)"
    with pytest.raises(SourceError) as wrong:
        make("trustpilot", client(lambda r: httpx.Response(404)), **UNIT).verify()
    assert str(wrong.value) == "Trustpilot has no business unit 5f1e2d3c4b5a69788796a5b4 (check business_unit_id)"


def test_check_reads_the_business_unit_once(client, requests_seen, keys) -> None:
    said = make("trustpilot", client(lambda r: fixture("trustpilot-business-unit.json")), **UNIT).verify()
    assert said == "the API key reads Acme" and [r.url.path for r in requests_seen] == ["/v1/business-units/5f1e2d3c4b5a69788796a5b4"]


def test_the_company_reply_is_posted_as_the_business_user(client, requests_seen, keys) -> None:
    done = publish(client, lambda r: httpx.Response(201), WRITER, TARGET, "Dear Margaret, we are sorry.")
    assert done.url == "https://www.trustpilot.com/reviews/6740a1b2c3d4e5f601234567"
    sent = requests_seen[0]
    assert (sent.method, str(sent.url)) == ("POST", "http://tp.test/v1/private/reviews/6740a1b2c3d4e5f601234567/reply")
    assert json.loads(sent.content) == {"authorBusinessUserId": "5e00000000000000000000aa", "message": "Dear Margaret, we are sorry."}
    assert sent.headers["Authorization"] == "Bearer tp-secret-token"


def test_replying_needs_a_token_and_a_business_user(client, keys) -> None:
    assert can_publish(config(WRITER)) and not can_publish(config(WRITER, business_user_id=None))
    expired = failure(client, lambda r: httpx.Response(401, json={"fault": {"faultstring": "Access Token expired", "detail": {"errorcode": "keymanagement.service.access_token_expired"}}}), WRITER, TARGET)
    assert expired.problem == PublishProblem.AUTH and "tp-secret-token" not in str(expired)
    gone = failure(client, lambda r: httpx.Response(404), WRITER, TARGET)
    assert gone.problem == PublishProblem.GONE
