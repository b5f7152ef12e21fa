"""Socket Mode: Slack's events arrive over one WebSocket, kept alive in a thread of its own.

Of slack_sdk's Socket Mode clients, the aiohttp one can be made to notice a dead
connection quickly without spinning: aiohttp's heartbeat pings after
PING_INTERVAL seconds without traffic and closes the socket when no pong comes
within half that, and the client's monitor reconnects at its next tick, so a
peer that vanished (with or without a close frame) is replaced within about
2.5 x PING_INTERVAL = 10 s. (The built-in client busy-loops on a socket the
peer closed without a close frame; websocket-client never times out a silent
peer; websockets waits its fixed 20 s ping timeout.) Bolt's listeners still run
in the app's own threads; only the socket lives on this event loop.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time

from slack_bolt import App
from slack_bolt.adapter.socket_mode.aiohttp import SocketModeHandler
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

PING_INTERVAL = 4.0
CHECK_EVERY = 1.0


class SocketModeConnection:
    def __init__(self, app: App, *, app_token: str, bot_token: str, api_url: str) -> None:
        self._app = app
        self._app_token = app_token
        self._bot_token = bot_token
        self._api_url = api_url
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True, name="socket-mode")
        self._handler: SocketModeHandler | None = None
        self._watcher: asyncio.Task[None] | None = None
        self._lock = threading.Lock()
        self._down_since: float | None = time.monotonic()

    def start(self) -> None:
        """Connect in the background: if Slack cannot be reached yet, the client keeps trying."""
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._open(), self._loop)

    def down_for(self) -> float:
        """Seconds since the connection was last seen up (0 while it is up)."""
        with self._lock:
            return 0.0 if self._down_since is None else time.monotonic() - self._down_since

    def stop(self, timeout: float) -> None:
        """Disconnect: no new events are taken; those already acknowledged go on in the app's threads."""
        try:
            asyncio.run_coroutine_threadsafe(self._close(), self._loop).result(timeout)
        except Exception as exc:  # stopping anyway
            log.warning("Socket Mode did not close cleanly: %s", exc)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout)

    async def _open(self) -> None:
        # Built on the loop: the client schedules its tasks on the running loop as it is made.
        self._handler = SocketModeHandler(
            self._app,
            self._app_token,
            web_client=AsyncWebClient(token=self._bot_token, base_url=self._api_url),
            ping_interval=PING_INTERVAL,
        )
        self._watcher = asyncio.ensure_future(self._watch(self._handler))
        await self._handler.connect_async()

    async def _watch(self, handler: SocketModeHandler) -> None:
        while True:
            up = await handler.client.is_connected()
            with self._lock:
                if up and self._down_since is not None:
                    log.info("Socket Mode connected")
                    self._down_since = None
                elif not up and self._down_since is None:
                    log.warning("Socket Mode connection lost; reconnecting")
                    self._down_since = time.monotonic()
            await asyncio.sleep(CHECK_EVERY)

    async def _close(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
        if self._handler is not None:
            await self._handler.close_async()
