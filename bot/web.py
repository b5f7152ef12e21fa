"""HTTP mode: one WSGI app served by waitress.

POST /slack/events   events, interactivity and slash commands (signed by Slack)
GET  /healthz        200 when the database answers
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.db.session import database_answers
from bot.runtime import Runtime

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000

StartResponse = Callable[..., Any]


def _json(start_response: StartResponse, status: str, payload: dict[str, Any]) -> Iterable[bytes]:
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


class WebApp:
    def __init__(self, rt: Runtime, bolt: App) -> None:
        self.rt = rt
        self.slack = SlackRequestHandler(bolt, path="/slack/events")

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == "/healthz" and method == "GET":
            if database_answers(self.rt.engine):
                return _json(start_response, "200 OK", {"ok": True})
            return _json(start_response, "503 Service Unavailable", {"ok": False, "error": "database unavailable"})
        if path == "/slack/events":
            if method != "POST":
                return _json(start_response, "405 Method Not Allowed", {"ok": False, "error": "POST only"})
            return self.slack(environ, start_response)
        return _json(start_response, "404 Not Found", {"ok": False, "error": "not found"})


def make_server(app: WebApp, host: str, port: int):  # type: ignore[no-untyped-def]
    """A waitress server (port 0 picks a free port); call .run() to serve, .close() to stop."""
    from waitress.server import create_server

    return create_server(
        app, host=host, port=port, threads=32, max_request_body_size=MAX_BODY_BYTES, channel_timeout=30, ident="complaint-bot"
    )
