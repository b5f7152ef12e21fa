"""A local stand-in for Slack's Web API: a real HTTP server on port 0 that records every call.

It answers in the shapes of Slack's responses (see ../shared/reference/slack/),
keeps posted messages per channel (with metadata, for conversations.history),
and can be told to fail the next calls of a method: 429 with Retry-After,
a 5xx, or an `ok: false` error.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_USER = "U0BOT00001"
# Members of the triage channel unless a test says otherwise.
TEAM_MEMBERS = ["U0AGENT001", "U0AGENT002", *(f"U0RACER{n:03d}" for n in range(20))]


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    headers: dict[str, str]


@dataclass
class Failure:
    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    times: int = 1


@dataclass
class Delay:
    seconds: float
    # After: Slack has done the work (the message exists) but the answer is slow to arrive.
    after: bool


@dataclass
class FakeSlack:
    calls: list[Call] = field(default_factory=list)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    delays: dict[str, Delay] = field(default_factory=dict)
    # Bumped by reset(): a slow request from an earlier test must not land in the next one.
    generation: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    _ts: itertools.count = field(default_factory=lambda: itertools.count(1))
    url: str = ""
    response_url: str = ""
    members: list[str] = field(default_factory=lambda: list(TEAM_MEMBERS))
    # Files of the external upload flow: id -> what files.getUploadURLExternal was told, and the bytes POSTed to its URL.
    files: dict[str, dict[str, Any]] = field(default_factory=dict)

    # -- test helpers ---------------------------------------------------------
    def fail(self, method: str, *, status: int = 200, error: str | None = None, retry_after: int | None = None, times: int = 1) -> None:
        with self.lock:
            self.failures.setdefault(method, []).append(Failure(status, error, retry_after, times))

    def delay(self, method: str, seconds: float, *, after: bool) -> None:
        with self.lock:
            self.delays[method] = Delay(seconds, after)

    def calls_to(self, method: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.method == method]

    def reset(self) -> None:
        with self.lock:
            self.calls.clear()
            self.messages.clear()
            self.failures.clear()
            self.delays.clear()
            self.generation += 1
            self.members = list(TEAM_MEMBERS)
            self.files.clear()

    def channel_messages(self, channel: str) -> list[dict[str, Any]]:
        with self.lock:
            return [m for m in self.messages.get(channel, []) if "thread_ts" not in m]

    def thread(self, channel: str, ts: str) -> list[dict[str, Any]]:
        with self.lock:
            return [m for m in self.messages.get(channel, []) if m.get("thread_ts") == ts]

    # -- answering ------------------------------------------------------------
    def answer(self, method: str, args: dict[str, Any], headers: dict[str, str]) -> tuple[int, dict[str, str], dict[str, Any]]:
        with self.lock:
            self.calls.append(Call(method, args, headers))
            pending = self.failures.get(method)
            if pending:
                failure = pending[0]
                failure.times -= 1
                if failure.times <= 0:
                    pending.pop(0)
                extra = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
                body = {"ok": False, "error": failure.error or ("ratelimited" if failure.status == 429 else "fatal_error")}
                return failure.status, extra, body
            if not headers.get("authorization", "").startswith("Bearer xoxb-"):
                return 200, {}, {"ok": False, "error": "not_authed"}
            handler = getattr(self, "_" + method.replace(".", "_"), None)
            if handler is None:
                return 200, {}, {"ok": False, "error": "unknown_method"}
            return 200, {}, handler(args)

    def _next_ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": "https://acme.slack.com/", "team": "Acme", "user": "complaint-bot", "team_id": "T0TEAM0001", "user_id": BOT_USER, "bot_id": "B0BOT00001"}

    def _chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = args["channel"]
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        ts = self._next_ts()
        message = {"type": "message", "user": BOT_USER, "ts": ts, "text": args.get("text", ""), "blocks": args.get("blocks") or []}
        for key in ("thread_ts", "metadata"):
            if args.get(key):
                message[key] = args[key]
        self.messages.setdefault(channel, []).append(message)
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        for message in self.messages.get(args["channel"], []):
            if message["ts"] == args["ts"]:
                message["text"] = args.get("text", "")
                message["blocks"] = args.get("blocks") or []
                return {"ok": True, "channel": args["channel"], "ts": args["ts"], "text": message["text"]}
        return {"ok": False, "error": "message_not_found"}

    def _chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "message_ts": self._next_ts()}

    def _chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "channel": args["channel"], "permalink": f"https://acme.slack.com/archives/{args['channel']}/p{args['message_ts'].replace('.', '')}"}

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "channel": {"id": "D" + args["users"].lstrip("UW")[:9]}}

    def _conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "channel": {"id": args["channel"], "name": "complaints", "is_member": True}}

    def _conversations_members(self, args: dict[str, Any]) -> dict[str, Any]:
        # Two pages, to exercise the cursor.
        half = len(self.members) // 2
        if args.get("cursor") == "page2":
            return {"ok": True, "members": self.members[half:], "response_metadata": {"next_cursor": ""}}
        return {"ok": True, "members": self.members[:half], "response_metadata": {"next_cursor": "page2"}}

    def _conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        include_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        newest_first = list(reversed(self.channel_messages_unlocked(args["channel"])))
        shown = [{k: v for k, v in m.items() if k != "metadata" or include_metadata} for m in newest_first]
        return {"ok": True, "messages": shown[: int(args.get("limit", 100))], "has_more": False}

    def channel_messages_unlocked(self, channel: str) -> list[dict[str, Any]]:
        return [m for m in self.messages.get(channel, []) if "thread_ts" not in m]

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "view": {**args["view"], "id": "V" + self._next_ts().replace(".", "")[-9:], "hash": "h1"}}

    def _views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "view": {**args["view"], "id": args.get("view_id"), "hash": "h2"}}

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "view": {**args["view"], "id": "VHOME00001", "hash": "h1"}}

    def _files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("filename") or not str(args.get("length", "")).isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = "F" + self._next_ts().replace(".", "")[-9:]
        self.files[file_id] = {"name": args["filename"], "length": int(args["length"]), "alt_txt": args.get("alt_txt"), "bytes": None}
        return {"ok": True, "upload_url": f"{self.url.removesuffix('/api/')}/upload/{file_id}", "file_id": file_id}

    def receive_upload(self, file_id: str, content: bytes) -> bool:
        with self.lock:
            file = self.files.get(file_id)
            if file is None or len(content) != file["length"]:
                return False
            file["bytes"] = content
            return True

    def _files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        listed = args.get("files") or []
        if not listed or any(self.files.get(f["id"], {}).get("bytes") is None for f in listed):
            return {"ok": False, "error": "file_not_found"}
        shared = [{"id": f["id"], "name": self.files[f["id"]]["name"], "title": f.get("title", "")} for f in listed]
        channel = args.get("channel_id")
        if channel:
            message = {"type": "message", "user": BOT_USER, "ts": self._next_ts(), "text": args.get("initial_comment", ""), "files": shared}
            if not args.get("initial_comment") and args.get("blocks"):
                message["blocks"] = args["blocks"]
            if args.get("thread_ts"):
                message["thread_ts"] = args["thread_ts"]
            self.messages.setdefault(channel, []).append(message)
        return {"ok": True, "files": [{"id": f["id"], "title": f["title"]} for f in shared]}

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "user": {"id": args["user"], "name": args["user"].lower(), "tz": "Europe/London"}}


def _decode(content_type: str, raw: bytes) -> dict[str, Any]:
    if content_type.startswith("application/json"):
        return json.loads(raw or b"{}")
    args: dict[str, Any] = dict(parse_qsl(raw.decode()))
    for key in ("blocks", "view", "metadata", "attachments", "files"):
        if isinstance(args.get(key), str):
            args[key] = json.loads(args[key])
    return args


def start(fake: FakeSlack | None = None) -> tuple[FakeSlack, ThreadingHTTPServer]:
    fake = fake or FakeSlack()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path.startswith("/upload/"):
                # The URL files.getUploadURLExternal handed out: the file's bytes, as sent (not form-decoded).
                stored = fake.receive_upload(self.path.rsplit("/", 1)[-1], raw)
                answer = f"OK - {len(raw)}".encode() if stored else b"file not found or wrong length"
                self.send_response(200 if stored else 404)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
                return
            args = _decode(self.headers.get("Content-Type", ""), raw)
            headers = {k.lower(): v for k, v in self.headers.items()}
            if self.path.startswith("/respond/"):
                # A response_url (slash commands, shortcuts): recorded as method "respond".
                with fake.lock:
                    fake.calls.append(Call("respond", args, headers))
                status, extra, body = 200, {}, {"ok": True}
            else:
                method = self.path.rsplit("/", 1)[-1]
                with fake.lock:
                    delay, generation = fake.delays.get(method), fake.generation
                if delay and not delay.after:
                    time.sleep(delay.seconds)
                if generation != fake.generation:
                    self.send_error(503)
                    return
                status, extra, body = fake.answer(method, args, headers)
                if delay and delay.after:
                    time.sleep(delay.seconds)
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            for key, value in extra.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fake.url = f"http://127.0.0.1:{server.server_port}/api/"
    fake.response_url = f"http://127.0.0.1:{server.server_port}/respond/T0TEAM0001/1/abc"
    return fake, server


if __name__ == "__main__":
    # Run on its own (benchmarks put it in a separate process so it does not share the bot's CPU).
    _, running = start()
    print(f"http://127.0.0.1:{running.server_port}/api/", flush=True)
    threading.Event().wait()
