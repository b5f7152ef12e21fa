"""POST /webhooks/mentions: signed, bounded, idempotent."""

from __future__ import annotations

import hashlib
import hmac
import json

import httpx
from sqlalchemy import func, select

from bot.db.models import MentionRecord
from bot.db.session import session_scope
from bot.runtime import Runtime
from tests.conftest import WEBHOOK_SECRET, BotClient, Clock
from tests.fake_slack import FakeSlack
from tests.helpers import wait_for
from tests.scenario.test_core_loop import CHANNEL

COMPLAINT = {
    "id": "b24-991",
    "source": "brand24",
    "url": "https://forum.example.com/t/acme-refund/42",
    "title": "Still waiting for my refund",
    "text": "Acme cancelled my order two weeks ago and the refund never arrived. Support keeps closing my ticket. Terrible.",
    "author": "maria_k",
    "published_at": "2026-11-20T08:55:00Z",
}


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """As a sender does from the README, not with the bot's own code: v1=HMAC-SHA256("v1:<timestamp>:<raw body>")."""
    return "v1=" + hmac.new(secret.encode(), f"v1:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()


def send(
    bot: BotClient, clock: Clock, payload: object, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None, signed_body: bytes | None = None
) -> httpx.Response:
    """`signed_body`: sign this instead of what is sent (a body changed on the way)."""
    body = json.dumps(payload).encode()
    ts = str(int(clock.now.timestamp()) if timestamp is None else timestamp)
    headers = {"Content-Type": "application/json", "X-Complaint-Bot-Timestamp": ts, "X-Complaint-Bot-Signature": sign(secret, ts, signed_body or body)}
    return bot.http.post(f"{bot.base_url}/webhooks/mentions", content=body, headers=headers)


def stored(runtime: Runtime) -> int:
    with session_scope(runtime.sessions) as session:
        return session.scalar(select(func.count()).select_from(MentionRecord)) or 0


def test_a_signed_complaint_becomes_a_card_once(runtime: Runtime, bot: BotClient, slack: FakeSlack, clock: Clock) -> None:
    first = send(bot, clock, COMPLAINT)
    assert first.status_code == 202
    assert first.json()["result"] == "new_case"
    card = wait_for(lambda: slack.channel_messages(CHANNEL))[0]
    assert "Still waiting for my refund" in json.dumps(card["blocks"])

    again = send(bot, clock, COMPLAINT)
    assert again.status_code == 200
    assert again.json() == {"ok": True, "result": "duplicate", "case_id": first.json()["case_id"], "duplicate": True}
    assert stored(runtime) == 1
    assert len(slack.channel_messages(CHANNEL)) == 1


def test_praise_is_stored_without_a_card(runtime: Runtime, bot: BotClient, slack: FakeSlack, clock: Clock) -> None:
    praise = {**COMPLAINT, "id": "b24-992", "url": "https://forum.example.com/t/love/1", "title": "", "text": "Acme support sorted my order in minutes, brilliant and friendly!"}
    response = send(bot, clock, praise)
    assert response.status_code == 202 and response.json()["result"] == "stored"
    assert slack.channel_messages(CHANNEL) == []


def test_bad_signatures_and_stale_requests_are_refused(runtime: Runtime, bot: BotClient, clock: Clock) -> None:
    assert send(bot, clock, COMPLAINT, secret="not-the-secret").status_code == 401
    stale = send(bot, clock, COMPLAINT, timestamp=int(clock.now.timestamp()) - 301)
    assert stale.status_code == 401 and "five-minute" in stale.json()["error"]
    unsigned = bot.http.post(f"{bot.base_url}/webhooks/mentions", json=COMPLAINT)
    assert unsigned.status_code == 401
    tampered = send(bot, clock, {**COMPLAINT, "url": "https://evil.example.com/"}, signed_body=json.dumps(COMPLAINT).encode())
    assert tampered.status_code == 401 and tampered.json()["error"] == "signature does not match"
    assert stored(runtime) == 0


def test_invalid_bodies_get_a_clear_error(runtime: Runtime, bot: BotClient, clock: Clock) -> None:
    missing = send(bot, clock, {"text": "Acme is broken"})
    assert missing.status_code == 422 and missing.json()["error"] == "url: Field required"
    bad_url = send(bot, clock, {**COMPLAINT, "url": "javascript:alert(1)"})
    assert bad_url.status_code == 422 and "http(s) URL" in bad_url.json()["error"]
    not_json = send(bot, clock, "just a string")
    assert not_json.status_code == 422
    huge = send(bot, clock, {**COMPLAINT, "text": "x" * 1_100_000})
    assert huge.status_code == 413
    assert stored(runtime) == 0
