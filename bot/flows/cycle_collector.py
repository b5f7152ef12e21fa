"""Pausing Python's cycle collector around a poll's fetching and a large ingest batch, safely in a threaded server.

A large batch holds tens of thousands of small objects until it is written, and a poll holds every feed it
fetched (their parsed items) until each is stored: the collector would walk them, and everything else the
process holds, again and again and find nearly nothing (a tenth of a large batch's time, a third of a burst's
fetching). The switch is process-wide, so:

- only a poll's fetching and batches of at least LARGE_BATCH mentions pause it. Both come from polls, which run
  one at a time (the scheduler's job lock); a webhook push or a hand report is one mention and never pauses it,
  so requests arriving all day cannot keep it off;
- pauses that overlap are counted: the collector resumes when the last one ends (not when the
  first does), and only if it was running when the first began (someone else's pause is theirs);
- while it is paused, other threads' cyclic garbage waits for at most one batch or one fetch (seconds; a fetch
  at most its slowest source's timeout); memory that is not cyclic is freed by reference counting as usual.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

LARGE_BATCH = 200

_lock = threading.Lock()
_pauses = 0
_resume = False


@contextmanager
def paused_for(batch_size: int) -> Iterator[None]:
    """The collector is off inside for a large batch; a small one leaves it alone."""
    if batch_size < LARGE_BATCH:
        yield
        return
    with paused():
        yield


@contextmanager
def paused() -> Iterator[None]:
    """The collector is off inside, and back as it was once no pause is left."""
    global _pauses, _resume
    with _lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()
