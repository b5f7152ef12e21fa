"""Stopping the HTTP server while a request is in flight: nothing is written into files opened after the stop."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import httpx

from bot.web import make_server, run_until_closed, stop_serving


def _ask(url: str) -> None:
    try:
        httpx.get(url, timeout=5)
    except httpx.HTTPError:
        pass  # the server stops under it: the answer is not what this test is about


def test_a_request_that_finishes_after_the_stop_writes_into_no_file_opened_since(tmp_path: Path) -> None:
    started = threading.Event()

    def slow(environ: dict[str, object], start_response: Callable[..., object]) -> Iterable[bytes]:
        started.set()
        time.sleep(1.0)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"done"]

    server = make_server(slow, "127.0.0.1", 0)  # any WSGI app will do
    threading.Thread(target=run_until_closed, args=(server,), daemon=True).start()
    threading.Thread(target=_ask, args=(f"http://127.0.0.1:{server.effective_port}/",), daemon=True).start()
    assert started.wait(5)

    stop_serving(server)
    # The lowest free descriptor numbers go to the next files opened: those the server has just given up among them.
    files = [tmp_path / f"opened-after-the-stop-{n}" for n in range(8)]
    descriptors = [os.open(path, os.O_RDWR | os.O_CREAT) for path in files]
    time.sleep(1.5)  # long enough for the request to finish, had it been left running
    for descriptor in descriptors:
        os.close(descriptor)

    assert [path.read_bytes() for path in files] == [b""] * len(files)
