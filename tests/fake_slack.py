"""A local stand-in for Slack's Web API: a real HTTP server on port 0 that records every call.

It answers in the shapes of Slack's responses (see ../shared/reference/slack/),
keeps posted messages per channel (with metadata, for conversations.history),
and can be told to fail the next calls of a method: 429 with Retry-After,
a 5xx, or an `ok: false` error. Like Slack, after a 429 with Retry-After it
refuses that channel until the time is up, and keeps the calls that came early.
With `slack_limits` on (benchmarks), it also holds every caller to Slack's published
rate limits (POST_BURST and TIER_PER_MINUTE below), answering 429 with Retry-After beyond them.
"""

from __future__ import annotations

import json
import math
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_USER = "U0BOT00001"
PEOPLE = {"U0SUPPORT1": "Jordan Lee"}
# Members of the triage channel unless a test says otherwise.
TEAM_MEMBERS = ["U0AGENT001", "U0AGENT002", *(f"U0RACER{n:03d}" for n in range(20))]


# Slack's published limits (api.slack.com/apis/rate-limits): chat.postMessage about one message a second per channel,
# short bursts allowed (here: three at once); other methods by tier, per minute per workspace (Tier 2 ~20, Tier 3 ~50,
# Tier 4 ~100), each allowing a burst of its minute's worth. Not listed: not limited here.
POSTS_PER_SECOND, POST_BURST = 1.0, 3
TIER_PER_MINUTE = {
    "chat.update": 50, "conversations.open": 50, "conversations.history": 50, "conversations.replies": 50,
    "chat.getPermalink": 100, "conversations.info": 50, "conversations.members": 100, "auth.test": 100,
    "files.getUploadURLExternal": 20, "files.completeUploadExternal": 20, "views.open": 100, "views.publish": 100,
}


@dataclass
class Bucket:
    """Tokens refilled at `rate` a second up to `capacity`; a call takes one."""

    capacity: float
    rate: float
    tokens: float
    at: float

    def take(self, now: float) -> float:
        """0 if the call may go now, else the seconds until it may."""
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


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
    # Only calls about this channel are held (None: every call of the method).
    channel: str | None = None


@dataclass
class FakeSlack:
    calls: list[Call] = field(default_factory=list)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    delays: dict[str, Delay] = field(default_factory=dict)
    hang_ups: dict[str, int] = field(default_factory=dict)
    # Bumped by reset(): a slow request from an earlier test must not land in the next one.
    generation: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    _last_ts: float = 0.0
    # After a 429 with Retry-After, the channel is closed until then; calls arriving earlier are kept here.
    penalties: dict[str, float] = field(default_factory=dict)
    early_calls: list[Call] = field(default_factory=list)
    # Requests being answered right now: a request whose client died is still carried out, as Slack would.
    in_flight: int = 0
    url: str = ""
    response_url: str = ""
    members: list[str] = field(default_factory=lambda: list(TEAM_MEMBERS))
    # Where apps.connections.open sends Socket Mode clients (tests/fake_socket_mode.py).
    socket_mode_url: str = ""
    # Files of the external upload flow: id -> what files.getUploadURLExternal was told, and the bytes POSTed to its URL.
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Slack's rate limits (POST_BURST, TIER_PER_MINUTE), for measuring with realistic pacing; off in tests that time nothing.
    slack_limits: bool = False
    buckets: dict[tuple[str, str], Bucket] = field(default_factory=dict)
    rate_limited: int = 0

    # -- test helpers ---------------------------------------------------------
    def fail(self, method: str, *, status: int = 200, error: str | None = None, retry_after: int | None = None, times: int = 1) -> None:
        with self.lock:
            self.failures.setdefault(method, []).append(Failure(status, error, retry_after, times))

    def hang_up(self, method: str, *, times: int = 1) -> None:
        """The next calls of `method` are carried out, then the connection is closed with no answer."""
        with self.lock:
            self.hang_ups[method] = self.hang_ups.get(method, 0) + times

    def delay(self, method: str, seconds: float, *, after: bool, channel: str | None = None) -> None:
        with self.lock:
            self.delays[method] = Delay(seconds, after, channel)

    def wait_idle(self, timeout: float = 30.0) -> None:
        """Wait until no request is being answered (e.g. one held for a client that was killed)."""
        deadline = time.monotonic() + timeout
        while self.in_flight:
            if time.monotonic() > deadline:
                raise AssertionError(f"the fake Slack was still answering {self.in_flight} request(s) after {timeout}s")
            time.sleep(0.02)

    def calls_to(self, method: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.method == method]

    def reset(self) -> None:
        with self.lock:
            self.calls.clear()
            self.messages.clear()
            self.failures.clear()
            self.delays.clear()
            self.hang_ups.clear()
            self.penalties.clear()
            self.early_calls.clear()
            self.in_flight = 0
            self.generation += 1
            self.members = list(TEAM_MEMBERS)
            self.socket_mode_url = ""
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
            call = Call(method, args, headers)
            self.calls.append(call)
            channel = args.get("channel")
            closed_for = self.penalties.get(channel, 0.0) - time.monotonic() if channel else 0.0
            if closed_for > 0:  # Slack said to wait: it answers 429 again
                self.early_calls.append(call)
                return 429, {"Retry-After": str(max(1, round(closed_for)))}, {"ok": False, "error": "ratelimited"}
            pending = self.failures.get(method)
            if pending:
                failure = pending[0]
                failure.times -= 1
                if failure.times <= 0:
                    pending.pop(0)
                extra = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
                if failure.status == 429 and failure.retry_after and channel:
                    self.penalties[channel] = time.monotonic() + failure.retry_after
                body = {"ok": False, "error": failure.error or ("ratelimited" if failure.status == 429 else "fatal_error")}
                return failure.status, extra, body
            # Socket Mode's one call takes the app-level token; everything else the bot token.
            token_kind = "xapp-" if method == "apps.connections.open" else "xoxb-"
            if not headers.get("authorization", "").startswith(f"Bearer {token_kind}"):
                return 200, {}, {"ok": False, "error": "not_authed"}
            if self.slack_limits and (wait := self._over_the_limit(method, channel)):
                self.rate_limited += 1
                return 429, {"Retry-After": str(math.ceil(wait))}, {"ok": False, "error": "ratelimited"}
            handler = getattr(self, "_" + method.replace(".", "_"), None)
            if handler is None:
                return 200, {}, {"ok": False, "error": "unknown_method"}
            return 200, {}, handler(args)

    def _over_the_limit(self, method: str, channel: str | None) -> float:
        if method == "chat.postMessage":
            key, capacity, rate = (method, channel or ""), POST_BURST, POSTS_PER_SECOND
        elif method in TIER_PER_MINUTE:
            key, capacity, rate = (method, ""), TIER_PER_MINUTE[method], TIER_PER_MINUTE[method] / 60
        else:
            return 0.0
        now = time.monotonic()
        bucket = self.buckets.setdefault(key, Bucket(capacity, rate, capacity, now))
        return bucket.take(now)

    def _next_ts(self) -> str:
        """Like Slack's: the Unix time of the post in microseconds, unique per workspace."""
        self._last_ts = max(time.time(), self._last_ts + 0.000001)
        return f"{self._last_ts:.6f}"

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": "https://acme.slack.com/", "team": "Acme", "user": "complaint-bot", "team_id": "T0TEAM0001", "user_id": BOT_USER, "bot_id": "B0BOT00001"}

    def _apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": self.socket_mode_url or "wss://wss-primary.slack.com/link/?ticket=fake"}

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
        newest_first = list(reversed(self.channel_messages_unlocked(args["channel"])))
        return _page(newest_first, args)

    def _conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        messages = self.messages.get(args["channel"], [])
        parent = [m for m in messages if m["ts"] == args["ts"] and "thread_ts" not in m]
        if not parent:
            return {"ok": False, "error": "thread_not_found"}
        return _page(parent + [m for m in messages if m.get("thread_ts") == args["ts"]], args)

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
        user_id = args["user"]
        # As Slack answers: the display name is often empty, the real name set.
        profile = {"display_name": "", "real_name": PEOPLE.get(user_id, user_id.lower())}
        return {"ok": True, "user": {"id": user_id, "name": user_id.lower(), "real_name": profile["real_name"], "tz": "Europe/London", "profile": profile}}


def _page(messages: list[dict[str, Any]], args: dict[str, Any]) -> dict[str, Any]:
    """One page of conversations.history / .replies: `oldest` filter, `limit`, `cursor`, metadata only if asked."""
    include_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
    oldest = float(args.get("oldest") or 0)
    shown = [{k: v for k, v in m.items() if k != "metadata" or include_metadata} for m in messages if float(m["ts"]) > oldest]
    start, limit = int(args.get("cursor") or 0), int(args.get("limit", 100))
    page = shown[start : start + limit]
    more = start + limit < len(shown)
    return {"ok": True, "messages": page, "has_more": more, "response_metadata": {"next_cursor": str(start + limit) if more else ""}}


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
                    fake.in_flight += 1
                if delay and delay.channel not in (None, args.get("channel")):
                    delay = None
                try:
                    if delay and not delay.after:
                        time.sleep(delay.seconds)
                    if generation != fake.generation:
                        self.send_error(503)
                        return
                    status, extra, body = fake.answer(method, args, headers)
                    if delay and delay.after:
                        time.sleep(delay.seconds)
                    with fake.lock:
                        hang_up = fake.hang_ups.get(method, 0) > 0
                        if hang_up:
                            fake.hang_ups[method] -= 1
                    if hang_up:  # done, but the answer never comes: the client sees the connection drop
                        self.close_connection = True
                        return
                finally:
                    with fake.lock:
                        if generation == fake.generation:  # an earlier test's request does not count
                            fake.in_flight -= 1
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
    # Run on its own (benchmarks put it in a separate process so it does not share the bot's CPU); `--slack-limits`
    # holds callers to Slack's rate limits.
    import sys

    _, running = start(FakeSlack(slack_limits="--slack-limits" in sys.argv))
    print(f"http://127.0.0.1:{running.server_port}/api/", flush=True)
    threading.Event().wait()
