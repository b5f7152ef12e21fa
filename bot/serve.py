"""The long-running bot: HTTP mode, or Socket Mode with a small HTTP server beside it; both stop cleanly on SIGTERM.

On a signal, clicks already acknowledged finish their work; anything not yet sent
stays in the outbox for the next start.
"""

from __future__ import annotations

import gc
import logging
import signal
import sys
import threading

from bot.app import build_app, listener_threads
from bot.runtime import Runtime
from bot.scheduler import start_scheduler
from bot.settings import ConfigError
from bot.web import WebApp, make_server, run_until_closed

log = logging.getLogger("complaint-bot")


def serve_http(rt: Runtime, host: str, port: int, *, with_scheduler: bool) -> int:
    if rt.settings.slack_signing_secret is None:
        raise ConfigError("environment: SLACK_SIGNING_SECRET is required in HTTP mode")
    # Hand the GIL over more often than every 5 ms, so a request thread waiting to ack is not
    # stuck behind the work threads; interactive latency matters more here than raw throughput.
    sys.setswitchinterval(0.001)
    listeners = listener_threads()
    try:
        server = make_server(WebApp(rt, build_app(rt, executor=listeners)), host, port)
    except OSError as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    scheduler = start_scheduler(rt) if with_scheduler else None
    # Everything built so far lives as long as the process: out of the collector's sight, a full
    # collection walks only what requests create, not every module and model (a pause acks would feel).
    gc.freeze()

    def stop(signum: int, frame: object) -> None:
        log.info("signal %s: finishing in-flight work and stopping", signum)
        if scheduler is not None:
            threading.Thread(target=scheduler.shutdown, kwargs={"wait": True}).start()
        server.close()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("listening on http://%s:%s (POST /slack/events, GET /healthz)", host, server.effective_port)
    run_until_closed(server)
    listeners.shutdown(wait=True)
    rt.work.shutdown(wait=True)
    if scheduler is not None and scheduler.running:
        scheduler.shutdown(wait=True)
    return 0


def run_socket_mode(rt: Runtime, app_token: str) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    # Slack talks over the socket; HTTP still serves /healthz and the mentions webhook.
    server = make_server(WebApp(rt, bolt=None), "0.0.0.0", rt.settings.port)
    threading.Thread(target=run_until_closed, args=(server,), daemon=True, name="http").start()
    scheduler = start_scheduler(rt)
    handler = SocketModeHandler(build_app(rt), app_token)
    signal.signal(signal.SIGTERM, lambda signum, frame: handler.close())
    log.info("Socket Mode; /healthz and /webhooks/mentions on port %s", server.effective_port)
    try:
        handler.start()
    finally:
        rt.work.shutdown(wait=True)
        scheduler.shutdown(wait=True)
        server.close()
    return 0
