"""Google Play reviews against answers in the Developer API's documented shapes, signed in with a locally made RSA key."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth import jwt

from sources import PublishProblem, SourceDisabled, SourceError, SourceRateLimited
from tests.unit.sources.conftest import FIXTURES
from tests.unit.sources.test_publish import failure, publish
from tests.unit.sources.test_social import make

PACKAGE = "com.acme.shop"
TOKEN_URI = "https://oauth2.play.test/token"
REVIEWS = f"/androidpublisher/v3/applications/{PACKAGE}/reviews"
RACHEL = "gp:AOqpTOFmAVORqfWGcaqfF39ftwFjGkjecjvCXnC-NS1dJ3MnW7CSmMmREIqGQb1kWnzTCo3GRE0LBo8ax7Ab4bvDHwCXmkE"


def fixture(name: str, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=json.loads((FIXTURES / "sources" / name).read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def key_file(tmp_path: Path, rsa_key: rsa.RSAPrivateKey, monkeypatch) -> Path:
    """A service account's JSON key file, as Google Cloud downloads it, with a key made here."""
    pem = rsa_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    info = {
        "type": "service_account", "project_id": "acme-play", "private_key_id": "0f1e2d3c4b5a", "private_key": pem,
        "client_email": "complaints@acme-play.iam.gserviceaccount.com", "client_id": "100000000000000000001",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": TOKEN_URI,
    }
    path = tmp_path / "play-key.json"
    path.write_text(json.dumps(info), encoding="utf-8")
    monkeypatch.setenv("GOOGLE_PLAY_CREDENTIALS_FILE", str(path))
    return path


def google(reviews: httpx.Response | None = None, token: httpx.Response | None = None):  # type: ignore[no-untyped-def]
    """A fake token endpoint (at the key file's token_uri) and the Play API."""

    def handler(request: httpx.Request) -> httpx.Response:
        if str(request.url) == TOKEN_URI:
            return token or fixture("google-token.json")
        if request.method == "POST":
            return fixture("googleplay-reply.json")
        return reviews or fixture("googleplay-reviews.json")

    return handler


def source(client, handler, **config):  # type: ignore[no-untyped-def]
    return make("googleplay", client(handler), package_name=PACKAGE, **config)


def test_the_token_is_a_jwt_signed_with_the_key_whose_audience_is_the_token_uri(client, requests_seen, key_file, rsa_key) -> None:
    source(client, google()).fetch(None)
    token_call, reviews = requests_seen
    form = parse_qs(token_call.content.decode())
    assert form["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
    public = rsa_key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    claims = jwt.decode(form["assertion"][0], certs=public, audience=TOKEN_URI)
    assert claims["iss"] == "complaints@acme-play.iam.gserviceaccount.com"
    assert claims["scope"] == "https://www.googleapis.com/auth/androidpublisher"
    assert reviews.headers["Authorization"] == "Bearer ya29.c.b0AXv0zTPlayTokenForTests" and reviews.url.path == REVIEWS


def test_the_token_is_reused_across_polls(client, requests_seen, key_file) -> None:
    first = source(client, google()).fetch(None)
    source(client, google()).fetch(first.cursor)
    assert [str(r.url) == TOKEN_URI for r in requests_seen] == [True, False, False]


def test_reviews_carry_title_stars_version_and_device(client, key_file) -> None:
    result = source(client, google(), lookback_hours=24 * 365 * 10).fetch(None)
    rachel, dev = result.mentions
    assert (rachel.external_id, rachel.rating, rachel.author) == (RACHEL, 1, "Rachel Greene")
    assert rachel.title == "Crashes at checkout"
    assert rachel.text == (
        "Every time I tap Pay the app closes. Lost two orders this week, and support only sends the FAQ.\n\n"
        "App 4.2.1 on Samsung Galaxy A5(2017), Android 14"
    )
    assert rachel.url == f"https://play.google.com/store/apps/details?id={PACKAGE}&reviewId=gp%3A{RACHEL[3:]}"
    assert rachel.reply_to == {"review_id": RACHEL} and (dev.rating, dev.title) == (5, "")
    assert result.cursor["seen"] == [RACHEL, dev.external_id]


def test_later_polls_report_only_unseen_reviews_and_page_until_a_seen_one(client, requests_seen, key_file) -> None:
    page = json.loads((FIXTURES / "sources" / "googleplay-reviews.json").read_text(encoding="utf-8"))
    newer = {**page, "reviews": [{**page["reviews"][0], "reviewId": "gp:AOqpTONEWER"}], "tokenPagination": {"nextPageToken": "CoAB1"}}
    pages = iter([newer, page])

    def handler(request: httpx.Request) -> httpx.Response:
        return fixture("google-token.json") if str(request.url) == TOKEN_URI else httpx.Response(200, json=next(pages))

    result = source(client, handler).fetch({"seen": [RACHEL]})
    assert [m.external_id for m in result.mentions] == ["gp:AOqpTONEWER", page["reviews"][1]["reviewId"]]
    assert [r.url.params.get("token") for r in requests_seen[1:]] == [None, "CoAB1"]


def test_a_reply_goes_to_reviews_reply_with_the_colon_escaped(client, requests_seen, key_file) -> None:
    config = {"kind": "googleplay", "name": "play", "package_name": PACKAGE, "allow_private_network": True}
    done = publish(client, google(), config, {"review_id": RACHEL}, "Hi Rachel, sorry checkout crashes on your Galaxy A5.")
    sent = requests_seen[-1]
    assert sent.url.raw_path.decode() == f"{REVIEWS}/gp%3A{RACHEL[3:]}:reply"
    assert json.loads(sent.content) == {"replyText": "Hi Rachel, sorry checkout crashes on your Galaxy A5."}
    assert done.url.endswith(f"reviewId=gp%3A{RACHEL[3:]}")


def test_a_reply_over_350_characters_is_refused_before_sending(client, requests_seen, key_file) -> None:
    config = {"kind": "googleplay", "name": "play", "package_name": PACKAGE, "allow_private_network": True}
    refused = failure(client, google(), config, {"review_id": RACHEL}, "x" * 351)
    assert refused.problem == PublishProblem.REFUSED and "350" in str(refused) and requests_seen == []


def test_key_file_problems_are_one_line_without_key_material(client, key_file, tmp_path, monkeypatch) -> None:
    refused = source(client, google(token=fixture("google-token-invalid-grant.json", 400)))
    with pytest.raises(SourceError) as raised:
        refused.fetch(None)
    assert "invalid_grant: Invalid JWT Signature." in str(raised.value) and "PRIVATE KEY" not in str(raised.value)
    monkeypatch.setenv("GOOGLE_PLAY_CREDENTIALS_FILE", str(tmp_path / "missing.json"))
    with pytest.raises(SourceError, match="cannot read the key file .*missing.json named by GOOGLE_PLAY_CREDENTIALS_FILE"):
        source(client, google()).fetch(None)
    (tmp_path / "oauth-client.json").write_text('{"installed": {"client_id": "x"}}', encoding="utf-8")
    monkeypatch.setenv("GOOGLE_PLAY_CREDENTIALS_FILE", str(tmp_path / "oauth-client.json"))
    with pytest.raises(SourceError, match="lacks client_email, token_uri, private_key"):
        source(client, google()).fetch(None)
    monkeypatch.delenv("GOOGLE_PLAY_CREDENTIALS_FILE")
    with pytest.raises(SourceDisabled, match="GOOGLE_PLAY_CREDENTIALS_FILE"):
        source(client, google()).fetch(None)


def test_a_wrong_package_a_missing_permission_and_a_spent_quota_are_said_apart(client, key_file) -> None:
    with pytest.raises(SourceError, match=f"no app {PACKAGE} for this account .check package_name."):
        source(client, google(reviews=fixture("googleplay-error-not-found.json", 404))).verify()
    with pytest.raises(SourceError, match="give it 'Reply to reviews' in Play Console"):
        source(client, google(reviews=fixture("googleplay-error-permission.json", 403))).fetch(None)
    with pytest.raises(SourceRateLimited):
        source(client, google(reviews=fixture("youtube-error-quota.json", 403))).fetch(None)


def test_check_reads_one_review(client, requests_seen, key_file) -> None:
    assert source(client, google()).verify() == f"the service account reads {PACKAGE}'s reviews"
    assert requests_seen[-1].url.params["maxResults"] == "1"
