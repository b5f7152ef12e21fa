"""HTTP mode: one WSGI app served by waitress.

POST /slack/events       events, interactivity and slash commands (signed by Slack)
POST /webhooks/mentions  mentions pushed by other tools (signed with the webhook secret)
GET  /healthz            200 when the database answers (and, in Socket Mode, Slack's socket is up or
                         has been down for less than [slack] socket_grace_seconds)
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot import webhook
from bot.db.session import database_answers
from bot.runtime import Runtime

if TYPE_CHECKING:
    from bot.socket_mode import SocketModeConnection

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000

StartResponse = Callable[..., Any]


def _json(start_response: StartResponse, status: str, payload: dict[str, Any]) -> Iterable[bytes]:
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


class WebApp:
    """`bolt` is None in Socket Mode: Slack's requests then arrive over `socket`, never over HTTP."""

    def __init__(self, rt: Runtime, bolt: App | None, socket: SocketModeConnection | None = None) -> None:
        self.rt = rt
        self.slack = SlackRequestHandler(bolt, path="/slack/events") if bolt is not None else None
        self.socket = socket

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == "/healthz" and method == "GET":
            return self._health(start_response)
        if path == "/slack/events" and self.slack is not None:
            if method != "POST":
                return _json(start_response, "405 Method Not Allowed", {"ok": False, "error": "POST only"})
            return self.slack(environ, start_response)
        if path == "/webhooks/mentions":
            if method != "POST":
                return _json(start_response, "405 Method Not Allowed", {"ok": False, "error": "POST only"})
            return self._webhook(environ, start_response)
        return _json(start_response, "404 Not Found", {"ok": False, "error": "not found"})

    def _health(self, start_response: StartResponse) -> Iterable[bytes]:
        if not database_answers(self.rt.engine):
            return _json(start_response, "503 Service Unavailable", {"ok": False, "error": "database unavailable"})
        if self.socket is None:
            return _json(start_response, "200 OK", {"ok": True})
        down = self.socket.down_for()
        if down > self.rt.config.slack.socket_grace_seconds:
            error = f"not connected to Slack (Socket Mode) for {down:.0f} s"
            return _json(start_response, "503 Service Unavailable", {"ok": False, "error": error, "slack_connected": False})
        return _json(start_response, "200 OK", {"ok": True, "slack_connected": down == 0})

    def _webhook(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        secret = self.rt.settings.complaint_bot_webhook_secret
        if secret is None:
            return _json(start_response, "404 Not Found", {"ok": False, "error": "webhook disabled: set COMPLAINT_BOT_WEBHOOK_SECRET"})
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > MAX_BODY_BYTES:
            return _json(start_response, "413 Payload Too Large", {"ok": False, "error": "body too large"})
        body = environ["wsgi.input"].read(length)
        now = self.rt.clock()
        try:
            webhook.verify(
                secret=secret.get_secret_value(),
                timestamp=environ.get("HTTP_X_COMPLAINT_BOT_TIMESTAMP"),
                given=environ.get("HTTP_X_COMPLAINT_BOT_SIGNATURE"),
                body=body,
                now=now,
            )
            answer = webhook.accept(self.rt, body=body, now=now)
        except webhook.WebhookRejected as rejected:
            status = {401: "401 Unauthorized", 422: "422 Unprocessable Entity"}[rejected.status]
            return _json(start_response, status, {"ok": False, "error": str(rejected)})
        if answer["case_id"] is not None and not answer["duplicate"]:
            # Post the card now rather than at the next outbox tick; the answer does not wait for it.
            threading.Thread(target=self.rt.drainer.drain, kwargs={"case_id": answer["case_id"]}, daemon=True).start()
        return _json(start_response, "200 OK" if answer["duplicate"] else "202 Accepted", answer)


def make_server(app: WebApp, host: str, port: int):  # type: ignore[no-untyped-def]
    """A waitress server (port 0 picks a free port); call .run() to serve, .close() to stop."""
    from waitress.server import create_server

    return create_server(
        app, host=host, port=port, threads=32, max_request_body_size=MAX_BODY_BYTES, channel_timeout=30, ident="complaint-bot"
    )


def run_until_closed(server) -> None:  # type: ignore[no-untyped-def]
    """Serve until another thread calls server.close(); the select() under run() then fails, which is the signal."""
    try:
        server.run()
    except (OSError, ValueError):
        pass
