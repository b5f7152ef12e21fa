"""HTTP mode: one WSGI app served by waitress.

POST /slack/events       events, interactivity and slash commands (signed by Slack)
POST /webhooks/mentions  mentions pushed by other tools (signed with the webhook secret)
GET  /healthz            200 when the database answers (and, in Socket Mode, Slack's socket is up or
                         has been down for less than [slack] socket_grace_seconds)
GET  /metrics            Prometheus series (bot/telemetry.py, bot/flows/scrape.py)
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import resource
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress.server import BaseWSGIServer

from bot.db.session import database_answers
from bot.flows import webhook
from bot.flows.scrape import metrics_registry
from bot.runtime import Runtime
from bot.telemetry import ACK_SECONDS

if TYPE_CHECKING:
    from bot.slack.socket_mode import SocketModeConnection

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000
# Slack refuses requests older than five minutes; so do we (replays).
MAX_REQUEST_AGE_SECONDS = 300
# Idle and half-open connections cost a file descriptor each, not a thread: accept many, drop the idle soon.
CONNECTION_LIMIT = 2000
IDLE_CONNECTION_SECONDS = 10

StartResponse = Callable[..., Any]


class BadRequest(Exception):
    def __init__(self, status: str, error: str) -> None:
        super().__init__(error)
        self.status = status


def slack_signature_valid(secret: str, *, timestamp: str | None, signature: str | None, body: bytes, now: float) -> bool:
    """Slack's v0 signature over the raw body; any header that is not plainly what Slack sends fails it."""
    if not timestamp or not signature or not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        return False
    if abs(now - int(timestamp)) > MAX_REQUEST_AGE_SECONDS:
        return False
    expected = "v0=" + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))


def _has(mapping: Any, key: str, kind: type) -> bool:
    return isinstance(mapping, dict) and isinstance(mapping.get(key), kind)


def _interactive_problem(payload: Any) -> str | None:
    if not _has(payload, "type", str):
        return "payload must be a JSON object with a type"
    kind = payload["type"]
    if kind in ("block_actions", "view_submission", "view_closed", "shortcut", "message_action") and not (
        _has(payload, "user", dict) and _has(payload["user"], "id", str)
    ):
        return f"{kind} without a user"
    if kind == "block_actions":
        actions = payload.get("actions")
        if not isinstance(actions, list) or not actions or not all(_has(action, "action_id", str) for action in actions):
            return "block_actions without actions"
    if kind in ("view_submission", "view_closed"):
        view = payload.get("view")
        if not (_has(view, "type", str) and _has(view, "id", str) and _has(view, "callback_id", str) and _has(view, "state", dict)):
            return f"{kind} without a complete view"
    if kind in ("shortcut", "message_action") and not _has(payload, "callback_id", str):
        return f"{kind} without a callback_id"
    return None


def slack_payload_problem(body: bytes, content_type: str) -> str | None:
    """Why a (verified) body is not something Slack sends, or None: such bodies get 400 before any listener runs."""
    try:
        text = body.decode("utf-8")
        if content_type.startswith("application/json"):
            envelope = json.loads(text)
            if not _has(envelope, "type", str):
                return "body must be a JSON object with a type"
            if envelope["type"] == "event_callback" and not _has(envelope.get("event"), "type", str):
                return "event_callback without an event"
            return None
        form = parse_qs(text, keep_blank_values=True, strict_parsing=bool(text), max_num_fields=100)
        if "payload" in form:
            return _interactive_problem(json.loads(form["payload"][0]))
        if "command" in form:
            return None if form.get("user_id", [""])[0] else "slash command without a user_id"
        return "form without a payload or a command"
    except (UnicodeDecodeError, ValueError):  # json.JSONDecodeError is a ValueError
        return "body is not valid JSON or form data"


def read_body(environ: dict[str, Any]) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise BadRequest("400 Bad Request", "Content-Length must be a number") from None
    if length > MAX_BODY_BYTES:
        raise BadRequest("413 Payload Too Large", "body too large")
    return environ["wsgi.input"].read(length) if length > 0 else b""


def _json(start_response: StartResponse, status: str, payload: dict[str, Any]) -> Iterable[bytes]:
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


class WebApp:
    """`bolt` is None in Socket Mode: Slack's requests then arrive over `socket`, never over HTTP."""

    def __init__(self, rt: Runtime, bolt: App | None, socket: SocketModeConnection | None = None) -> None:
        self.rt = rt
        self.slack = SlackRequestHandler(bolt, path="/slack/events") if bolt is not None else None
        secret = rt.settings.slack_signing_secret
        self.signing_secret = secret.get_secret_value() if secret is not None else None
        self.socket = socket
        self.metrics = metrics_registry(rt)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            return self._route(environ, start_response)
        except BadRequest as bad:
            return _json(start_response, bad.status, {"ok": False, "error": str(bad)})

    def _route(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == "/healthz" and method == "GET":
            return self._health(start_response)
        if path == "/metrics" and method == "GET":
            body = generate_latest(self.metrics)
            start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST), ("Content-Length", str(len(body)))])
            return [body]
        if path == "/slack/events" and self.slack is not None:
            if method != "POST":
                return _json(start_response, "405 Method Not Allowed", {"ok": False, "error": "POST only"})
            return self._verified_slack(environ, start_response)
        if path == "/webhooks/mentions":
            if method != "POST":
                return _json(start_response, "405 Method Not Allowed", {"ok": False, "error": "POST only"})
            return self._webhook(environ, start_response)
        return _json(start_response, "404 Not Found", {"ok": False, "error": "not found"})

    def _verified_slack(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Verify before Bolt reads anything: Bolt parses the body and runs the error handler before its own check."""
        assert self.slack is not None and self.signing_secret is not None
        body = read_body(environ)
        verified = slack_signature_valid(
            self.signing_secret,
            timestamp=environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"),
            signature=environ.get("HTTP_X_SLACK_SIGNATURE"),
            body=body,
            now=time.time(),
        )
        if not verified:
            return _json(start_response, "401 Unauthorized", {"ok": False, "error": "invalid request signature"})
        # Only Slack's requests hold work back and count as ack times: unsigned ones could stall work and skew the series.
        with self.rt.acks.answering(), ACK_SECONDS.time():  # work waits while a request is being answered
            problem = slack_payload_problem(body, environ.get("CONTENT_TYPE", ""))
            if problem is not None:
                return _json(start_response, "400 Bad Request", {"ok": False, "error": problem})
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            return self.slack(environ, start_response)

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
        body = read_body(environ)
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


def endpoints(rt: Runtime, *, slack_over_http: bool) -> str:
    """What this process answers, for the start-up line."""
    paths = ["POST /slack/events"] if slack_over_http else []
    if rt.settings.complaint_bot_webhook_secret is not None:
        paths.append("POST /webhooks/mentions")
    return ", ".join([*paths, "GET /healthz", "GET /metrics"])


def make_server(app: WebApp, host: str, port: int) -> BaseWSGIServer:
    """A waitress server (port 0 picks a free port); run_until_closed() serves, stop_serving() stops."""
    from waitress.server import create_server

    _allow_open_files(CONNECTION_LIMIT + 200)
    server = create_server(
        app,
        host=host,
        port=port,
        threads=32,
        max_request_body_size=MAX_BODY_BYTES,
        connection_limit=CONNECTION_LIMIT,
        channel_timeout=IDLE_CONNECTION_SECONDS,
        cleanup_interval=2,
        # select() cannot watch descriptors past 1024; poll() can.
        asyncore_use_poll=True,
        ident="complaint-bot",
    )
    assert isinstance(server, BaseWSGIServer)  # one host and port: one socket (several would make a MultiSocketServer)
    return server


def listening_port(server: BaseWSGIServer) -> int:
    """The port it listens on (port 0 picked one). Waitress keeps it as effective_port, which its type stubs leave out."""
    assert server.socket is not None  # bound in create_server
    return int(server.socket.getsockname()[1])


def _allow_open_files(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard))


def stop_serving(server: BaseWSGIServer) -> None:
    """The worker threads finish the requests they hold (waitress waits up to 5 s), then the sockets and the wake-up
    pipe close. `server.close()` alone closes the pipe while a thread may still be finishing a request: the thread then
    writes a byte to the pipe's old descriptor number, which by then may belong to a file opened since (a test run saw
    a SQLite database overwritten: "file is not a database")."""
    server.task_dispatcher.shutdown()
    server.close()


def run_until_closed(server: BaseWSGIServer) -> None:
    """Serve until another thread calls stop_serving(); the select() under run() then fails, which is the signal."""
    try:
        server.run()
    except (OSError, ValueError):
        pass
