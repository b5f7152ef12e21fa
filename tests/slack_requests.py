"""Requests as Slack sends them: payload shapes from ../shared/reference/slack/payloads, signed with v0."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

TEAM = {"id": "T0TEAM0001", "domain": "acme"}


def signature(secret: str, timestamp: str, body: str) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: str, *, content_type: str, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature(secret, ts, body),
    }


def interactive_body(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


def _user(user_id: str) -> dict[str, str]:
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": TEAM["id"]}


def block_action(
    *, user_id: str, action_id: str, value: str, channel_id: str = "C0TRIAGE01", message_ts: str = "1700000000.000001",
    container_type: str = "message", view: dict[str, Any] | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user_id),
        "api_app_id": "A0APP00001",
        "token": "legacy-verification-token",
        "container": {"type": container_type, "message_ts": message_ts, "channel_id": channel_id, "is_ephemeral": False},
        "trigger_id": f"{int(time.time())}.12345.abcdef",
        "team": TEAM,
        "response_url": "https://hooks.slack.com/actions/T0TEAM0001/1/abc",
        "actions": [
            {"action_id": action_id, "block_id": "b", "value": value, "type": "button", "action_ts": f"{time.time():.6f}"}
        ],
    }
    if view is None:
        payload["channel"] = {"id": channel_id, "name": "complaints"}
    else:
        payload["view"] = view
        payload["container"] = {"type": "view", "view_id": view["id"]}
    return payload


def view_submission(*, user_id: str, view: dict[str, Any], values: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": TEAM,
        "user": _user(user_id),
        "api_app_id": "A0APP00001",
        "token": "legacy-verification-token",
        "trigger_id": f"{int(time.time())}.12345.abcdef",
        "view": {**view, "id": view.get("id", "V0VIEW0001"), "state": {"values": values}, "hash": "1700000000.abc"},
        "response_urls": [],
    }


def slash_command(*, user_id: str, text: str, response_url: str, channel_id: str = "C0TRIAGE01", command: str = "/complaint") -> str:
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": TEAM["id"],
            "team_domain": TEAM["domain"],
            "channel_id": channel_id,
            "channel_name": "complaints",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": command,
            "text": text,
            "response_url": response_url,
            "trigger_id": f"{int(time.time())}.12345.abcdef",
        }
    )


def message_shortcut(*, user_id: str, callback_id: str, message: dict[str, Any], response_url: str, channel_id: str = "C0GENERAL1") -> dict[str, Any]:
    return {
        "type": "message_action",
        "token": "legacy-verification-token",
        "action_ts": f"{time.time():.6f}",
        "team": TEAM,
        "user": {"id": user_id, "name": user_id.lower()},
        "channel": {"id": channel_id, "name": "general"},
        "callback_id": callback_id,
        "trigger_id": f"{int(time.time())}.12345.abcdef",
        "message_ts": message["ts"],
        "message": message,
        "response_url": response_url,
    }


def event_callback(event: dict[str, Any], *, event_id: str = "Ev0000000001") -> dict[str, Any]:
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM["id"],
        "api_app_id": "A0APP00001",
        "type": "event_callback",
        "event": event,
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM["id"], "user_id": "U0BOT00001", "is_bot": True, "is_enterprise_install": False}],
    }
