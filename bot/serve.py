"""The long-running bot: HTTP mode, or Socket Mode with a small HTTP server beside it; both stop cleanly on SIGTERM.

On a signal, clicks already acknowledged finish their work; anything not yet sent
stays in the outbox for the next start.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable

from bot.app import build_app, listener_threads
from bot.runtime import Runtime
from bot.scheduler import start_scheduler
from bot.settings import ConfigError
from bot.slack.socket_mode import SocketModeConnection
from bot.web import WebApp, endpoints, listening_port, make_server, run_until_closed, stop_serving

log = logging.getLogger("complaint-bot")

# `docker stop` sends SIGKILL 10 s after SIGTERM.
STOP_SECONDS = 8.0


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
    _tell_the_port(rt, listening_port(server))
    scheduler = start_scheduler(rt) if with_scheduler else None
    # Everything built so far lives as long as the process: out of the collector's sight, a full
    # collection walks only what requests create, not every module and model (a pause acks would feel).
    gc.freeze()

    stop = Stopper(lambda: stop_serving(server))
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("listening on http://%s:%s (%s)", host, listening_port(server), endpoints(rt, slack_over_http=True))
    run_until_closed(server)
    # Shut down here only, once: a shutdown also started from the signal handler raced this one (SchedulerNotRunningError).
    if scheduler is not None:
        scheduler.shutdown(wait=True)
    listeners.shutdown(wait=True)
    rt.work.shutdown(wait=True)
    return 0


def _tell_the_port(rt: Runtime, port: int) -> None:
    """COMPLAINT_BOT_PORT_FILE: the container's health check reads the port from here (with PORT=0 only the bot knows it)."""
    path = rt.settings.complaint_bot_port_file
    if path is not None:
        try:
            path.write_text(f"{port}\n")
        except OSError as exc:
            raise ConfigError(f"COMPLAINT_BOT_PORT_FILE: cannot write {path}: {exc.strerror}") from None


class Stopper:
    """HTTP mode's signal handler: the first signal closes the server (serve_http then finishes the work in flight);
    a later one (a second Ctrl-C, `docker stop` after a `kill`) only says it is already stopping."""

    def __init__(self, close_server: Callable[[], object]) -> None:
        self.close_server = close_server
        self.stopping = threading.Event()

    def __call__(self, signum: int, frame: object) -> None:
        if self.stopping.is_set():
            log.info("signal %s: already stopping", signum)
            return
        self.stopping.set()
        log.info("signal %s: finishing in-flight work and stopping", signum)
        self.close_server()


def run_socket_mode(rt: Runtime, app_token: str) -> int:
    assert rt.settings.slack_bot_token is not None
    listeners = listener_threads()
    socket = SocketModeConnection(
        build_app(rt, executor=listeners),
        app_token=app_token,
        bot_token=rt.settings.slack_bot_token.get_secret_value(),
        api_url=rt.settings.slack_api_url,
    )
    # Slack talks over the socket; HTTP still serves /healthz (which reports the socket) and the mentions webhook.
    try:
        server = make_server(WebApp(rt, bolt=None, socket=socket), "0.0.0.0", rt.settings.port)
    except OSError as exc:
        raise ConfigError(f"cannot listen on 0.0.0.0:{rt.settings.port}: {exc.strerror}") from None
    _tell_the_port(rt, listening_port(server))
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda signum, frame: stopping.set())
    threading.Thread(target=run_until_closed, args=(server,), daemon=True, name="http").start()
    scheduler = start_scheduler(rt)
    socket.start()
    log.info("Socket Mode; on port %s: %s", listening_port(server), endpoints(rt, slack_over_http=False))
    while not stopping.wait(1):
        pass
    log.info("stopping: finishing acknowledged work; whatever is not sent yet stays in the outbox")
    return _stop_within(
        STOP_SECONDS,
        lambda: socket.stop(timeout=2),
        rt.drainer.stop,
        lambda: scheduler.shutdown(wait=True),
        lambda: listeners.shutdown(wait=True),
        lambda: rt.work.shutdown(wait=True),
        lambda: stop_serving(server),
    )


def _stop_within(seconds: float, *steps: Callable[[], object]) -> int:
    """Run the shutdown steps in order; if they hang, exit anyway: anything unsent is still in the
    outbox, and a poll that was cut off is fetched again (its cursor only moves with its batch)."""
    done = threading.Thread(target=lambda: [step() for step in steps], daemon=True, name="shutdown")
    done.start()
    done.join(seconds)
    if done.is_alive():
        log.warning("shutdown took longer than %.0f s; exiting without waiting for the rest", seconds)
        logging.shutdown()
        os._exit(1)
    return 0
