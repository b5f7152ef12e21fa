"""The HTTP edge: nothing is read or acted on before Slack's signature is verified; bad shapes get 400; slow clients lock nobody out."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import time
from urllib.parse import urlencode

import httpx
import pytest

from bot.web import slack_signature_valid
from tests.conftest import SIGNING_SECRET, BotClient
from tests.fake_slack import FakeSlack
from tests.slack_requests import block_action, interactive_body, signed_headers, slash_command, view_submission

FORGED_LINK = "<https://evil.example/login|Your session expired>"
VICTIM, VICTIM_CHANNEL = "U0AGENT001", "C0TRIAGE01"
RESPONSE_URL = "https://hooks.slack.com/commands/T0TEAM0001/1/forged"


def _settled(slack: FakeSlack, before: int) -> list[str]:
    """Slack calls made by anything the request set off (error reports run in the request or in the work pool)."""
    time.sleep(0.3)
    return [call.method for call in slack.calls[before:]]


FORGERIES = {
    "slash command": (slash_command(user_id=VICTIM, text="list", response_url=RESPONSE_URL), "application/x-www-form-urlencoded"),
    "button": (
        interactive_body(block_action(user_id=VICTIM, action_id="case-claim", value='{"case_id": 1}', channel_id=VICTIM_CHANNEL)),
        "application/x-www-form-urlencoded",
    ),
    "not JSON": ('{"type": "event_callback", "event": ', "application/json"),
    "not a form": ("%%%payload", "application/x-www-form-urlencoded"),
}


@pytest.mark.parametrize("timestamp", [FORGED_LINK, "", "12abc", "1e9", "+1700000000", "１７００００００００", str(2**80)])
@pytest.mark.parametrize("forgery", sorted(FORGERIES))
def test_an_unverifiable_request_is_401_and_reaches_nobody(bot: BotClient, slack: FakeSlack, forgery: str, timestamp: str) -> None:
    body, content_type = FORGERIES[forgery]
    headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp.encode(), "X-Slack-Signature": "v0=" + "0" * 64}
    before = len(slack.calls)
    answer = bot.http.post(f"{bot.base_url}/slack/events", content=body, headers=headers)
    assert answer.status_code == 401
    assert "evil.example" not in answer.text
    assert _settled(slack, before) == []


def test_a_request_signed_with_a_forged_timestamp_header_is_401(bot: BotClient, slack: FakeSlack) -> None:
    body = slash_command(user_id=VICTIM, text="list", response_url=RESPONSE_URL)
    headers = signed_headers(SIGNING_SECRET, body, content_type="application/x-www-form-urlencoded")
    headers["X-Slack-Request-Timestamp"] = FORGED_LINK
    before = len(slack.calls)
    assert bot.http.post(f"{bot.base_url}/slack/events", content=body, headers=headers).status_code == 401
    assert _settled(slack, before) == []


GATE_REFUSAL = {"ok": False, "error": "invalid request signature"}


def test_a_correctly_signed_but_hour_old_request_is_refused_at_the_gate(bot: BotClient, slack: FakeSlack) -> None:
    """A replay: the signature is right, only its age gives it away. Refused by our gate (its answer, not Bolt's), before any listener."""
    before = len(slack.calls)
    body = slash_command(user_id=VICTIM, text="list", response_url=RESPONSE_URL)
    answer = bot.post(body, "application/x-www-form-urlencoded", timestamp=int(time.time()) - 3600)
    assert (answer.status_code, answer.json()) == (401, GATE_REFUSAL)
    assert _settled(slack, before) == []


def test_a_request_without_a_signature_header_is_refused_at_the_gate(bot: BotClient, slack: FakeSlack) -> None:
    before = len(slack.calls)
    body = slash_command(user_id=VICTIM, text="list", response_url=RESPONSE_URL)
    headers = signed_headers(SIGNING_SECRET, body, content_type="application/x-www-form-urlencoded")
    del headers["X-Slack-Signature"]
    answer = bot.http.post(f"{bot.base_url}/slack/events", content=body, headers=headers)
    assert (answer.status_code, answer.json()) == (401, GATE_REFUSAL)
    assert _settled(slack, before) == []


def test_the_signature_age_limit_is_five_minutes_either_way() -> None:
    body, timestamp = b"token=x&text=list", "1700000000"
    signature = "v0=" + hmac.new(SIGNING_SECRET.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()

    def valid(age: float) -> bool:
        return slack_signature_valid(SIGNING_SECRET, timestamp=timestamp, signature=signature, body=body, now=int(timestamp) + age)

    assert [valid(age) for age in (0, 300, -300)] == [True, True, True]
    assert [valid(age) for age in (301, -301, 3600)] == [False, False, False]


def test_an_unreadable_content_length_is_400_not_a_crash(bot: BotClient) -> None:
    for path in ("/slack/events", "/webhooks/mentions"):
        with socket.create_connection(_address(bot)) as raw:
            raw.sendall(f"POST {path} HTTP/1.1\r\nHost: bot\r\nContent-Length: twelve\r\n\r\n".encode())
            assert raw.recv(100).split(b" ")[1] == b"400"


def _view_without_type() -> dict:
    payload = view_submission(user_id=VICTIM, view={"id": "V0VIEW0001", "callback_id": "case-resolve", "private_metadata": "{}"}, values={})
    payload["view"].pop("type", None)
    return payload


MALFORMED = {
    "invalid JSON event": ('{"type": "event_callback", "event": ', "application/json"),
    "JSON list": ("[1, 2, 3]", "application/json"),
    "JSON null": ("null", "application/json"),
    "event without its event": ('{"type": "event_callback"}', "application/json"),
    "payload not JSON": (urlencode({"payload": "{not json"}), "application/x-www-form-urlencoded"),
    "payload a list": (urlencode({"payload": "[1]"}), "application/x-www-form-urlencoded"),
    "payload null": (urlencode({"payload": "null"}), "application/x-www-form-urlencoded"),
    "payload without type": (urlencode({"payload": json.dumps({"user": {"id": VICTIM}})}), "application/x-www-form-urlencoded"),
    "view without a type": (interactive_body(_view_without_type()), "application/x-www-form-urlencoded"),
    "button without actions": (interactive_body({"type": "block_actions", "user": {"id": VICTIM}, "actions": []}), "application/x-www-form-urlencoded"),
    "command without a user": (urlencode({"command": "/complaint", "text": "list"}), "application/x-www-form-urlencoded"),
    "form of nothing known": (urlencode({"hello": "world"}), "application/x-www-form-urlencoded"),
}


@pytest.mark.parametrize("shape", sorted(MALFORMED))
def test_a_signed_but_malformed_payload_is_400_and_changes_nothing(bot: BotClient, slack: FakeSlack, shape: str) -> None:
    body, content_type = MALFORMED[shape]
    before = len(slack.calls)
    answer = bot.post(body, content_type)
    assert answer.status_code == 400, answer.text
    assert answer.json()["ok"] is False
    assert _settled(slack, before) == []


def test_a_signed_well_formed_request_still_goes_through(bot: BotClient, slack: FakeSlack) -> None:
    answer = bot.command(VICTIM, "help")
    assert answer.status_code == 200


def _address(bot: BotClient) -> tuple[str, int]:
    url = httpx.URL(bot.base_url)
    return url.host, url.port or 80


def test_two_hundred_idle_connections_do_not_lock_slack_out(bot: BotClient) -> None:
    """Slow-loris: half-open connections that never finish their request.

    Slack gives up on an ack after 3 s, so that is the client's whole patience here.
    """
    idle = []
    try:
        for _ in range(200):
            connection = socket.create_connection(_address(bot))
            connection.sendall(b"POST /slack/events HTTP/1.1\r\nHost: bot\r\nContent-Length: 100\r\n")
            idle.append(connection)
        with httpx.Client(timeout=3) as impatient:
            assert impatient.get(f"{bot.base_url}/healthz").status_code == 200
            body = slash_command(user_id=VICTIM, text="help", response_url=RESPONSE_URL)
            headers = signed_headers(SIGNING_SECRET, body, content_type="application/x-www-form-urlencoded")
            assert impatient.post(f"{bot.base_url}/slack/events", content=body, headers=headers).status_code == 200
    finally:
        for connection in idle:
            connection.close()
